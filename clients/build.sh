#!/usr/bin/env bash
# Builds the client examples that need compiling into OUT (default: clients/build):
#   OUT/c/client            C99 + POSIX, gcc
#   OUT/go/client           Go standard library, go 1.19 or newer
#   OUT/csharp/client.exe   C# for Mono, mcs; run it with mono
# bash, Python, Node.js and Java run from their sources. Any compiler error or missing toolchain
# fails the build (.ci/toolchains installs them).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/build}"
mkdir -p "$out/c" "$out/go" "$out/csharp"
out="$(cd "$out" && pwd)"

gcc -std=c99 -Wall -Wextra -O2 -o "$out/c/client" "$here/c/client.c" -lm
(cd "$here/go" && go build -o "$out/go/client" .)
mcs -nologo -warn:4 -r:Mono.Posix -out:"$out/csharp/client.exe" "$here/csharp/Client.cs"
echo "clients built in $out"
