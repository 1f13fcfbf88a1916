#!/usr/bin/env bash
# pipe-io client in plain bash: one request/reply on each of the echo, upper and calc channels,
# or, with --stdio, a plug-in that answers each line of stdin on stdout.
#
# Usage: client.sh [DIR]      (DIR defaults to ${TMPDIR:-/tmp}/pipe-io)
#        client.sh --stdio    (plug-in mode: each line in, the line upper-cased out)
#
# Each channel is two FIFOs: the client writes a line to DIR/<channel>.in and reads the
# reply line from DIR/<channel>.out. Exit status: 0 = all checks passed, 1 = a check failed,
# a pipe is missing or the server went away, 2 = timed out (no server answering). Needs bash 4.4.
set -u

# Plug-in mode: answer each request line with the line upper-cased, as the sample's upper channel
# does, until EOF (the host stopped, or died). printf writes each reply at once: bash does not
# buffer its output, so the caller never waits for a flush.
if [[ ${1-} == --stdio ]]; then
  # ${line^^} upper-cases by the locale: use UTF-8 whatever the environment says (glibc has C.UTF-8).
  LC_ALL=C.UTF-8
  echo "bash plug-in ready" >&2
  # read splits on '\n' only; a last line without it is incomplete: the host drops it too.
  # A failed printf ends it: the host went away (EPIPE) and SIGPIPE, ignored by whoever started
  # this script, did not.
  while IFS= read -r line; do
    printf '%s\n' "${line^^}" || exit 1
  done
  exit 0
fi

dir=${1:-${TMPDIR:-/tmp}/pipe-io}
failed=0

# Overall timeout: 10 s. A background timer sends SIGALRM to this script, and a trapped signal
# interrupts whatever bash is waiting in, even a read(2) on a FIFO. (read -t alone can still
# block past its timeout if another client drains the same FIFO between its poll and its read.)
trap 'echo "timed out after 10 s (is the server running on $dir?)" >&2; exit 2' ALRM
{ sleep 10; kill -ALRM $$; } </dev/null >/dev/null 2>&1 &
timer=$!
trap 'kill "$timer" 2>/dev/null' EXIT   # done in time: stop the timer (its sleep just runs out)

# request CHANNEL LINE: send LINE to the channel and put the reply line in $reply.
request() {
  local in="$dir/$1.in" out="$dir/$1.out" fd_in fd_out pipe
  if [[ $2 == *$'\n'* ]]; then
    # it would be two requests, and the second's reply would answer the next call
    echo "$1: a line must not contain a newline" >&2
    return 1
  fi
  # Redirections create missing files: make sure both FIFOs are really there.
  for pipe in "$in" "$out"; do
    if [[ ! -e $pipe ]]; then
      echo "$1: no FIFO $pipe (is the server running on $dir?)" >&2
      return 1
    elif [[ ! -p $pipe ]]; then
      echo "$1: $pipe is not a FIFO (is the server running on this directory?)" >&2
      return 1
    fi
  done
  # The in FIFO read-write (<>): on Linux that open never blocks, whereas a plain '>' waits
  # for a reader. The out FIFO read-only: the server holds it open, so the open does not wait,
  # and this script is then no writer of it, so a server that goes away is seen at once (EOF)
  # rather than at the timeout.
  exec {fd_in}<>"$in" {fd_out}<"$out"
  # One printf = one write(2): the whole line reaches the server in one piece.
  printf '%s\n' "$2" >&"$fd_in"
  # read -r keeps backslashes, IFS= keeps leading/trailing blanks. bash reads a pipe byte by
  # byte, so it takes exactly one line and nothing after it. It fails at EOF, a partial line
  # included.
  if ! IFS= read -r -u "$fd_out" reply; then
    # Every writer left: the server went away. Stop here, with 1: the other channels' FIFOs
    # have nobody holding them any more, and opening one would block until the timeout.
    echo "$1: FAILED: $out closed before a full reply line arrived: the server went away" >&2
    exit 1
  fi
  exec {fd_in}>&- {fd_out}<&-     # close both FIFOs
}

# check NAME EXPECTED ACTUAL: print "NAME: ok" or complain on stderr. ${3@Q} quotes the reply
# as $'...' with escapes when it holds control characters: a trailing \r would not show otherwise.
check() {
  if [[ $3 == "$2" ]]; then echo "$1: ok"
  else echo "$1: FAILED: expected ${2@Q}, got ${3@Q}" >&2; failed=1; fi
}

# echo: the reply is the exact same line.
if request echo 'hello pipe-io'; then check echo 'hello pipe-io' "$reply"; else failed=1; fi

# upper: the reply is the line upper-cased (UTF-8).
if request upper 'héllo wörld'; then check upper 'HÉLLO WÖRLD' "$reply"; else failed=1; fi

# calc: JSON in, JSON out. A regex on "result" is enough here; bash arithmetic is integer-only,
# so compare the text: 3, 3.0, 3.00, ... all pass.
if request calc '{"op":"add","a":1,"b":2}'; then
  if [[ $reply =~ \"result\"[[:space:]]*:[[:space:]]*(-?[0-9.eE+-]+) && ${BASH_REMATCH[1]} =~ ^3(\.0*)?$ ]]; then
    echo "calc: ok"
  else
    echo "calc: FAILED: expected a result of 3, got ${reply@Q}" >&2; failed=1
  fi
else failed=1; fi

exit "$failed"
