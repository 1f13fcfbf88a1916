#!/bin/bash
# The shout plug-in of the pipe-io sample app: answers each line x with x upper-cased and "!".
# pipe-io starts it with stdin reading the channel's out pipe and stdout writing its in pipe, so a
# line in is a request and a line out is its answer. It exits at EOF on stdin, which also comes
# when the host dies (kill -9): nothing else holds the out pipe open.
# ${line^^} upper-cases by the locale: UTF-8 whatever the environment says (glibc has C.UTF-8).
LC_ALL=C.UTF-8
echo "shout plug-in ready" >&2
# A last line without its newline is not answered: the host drops it as incomplete.
while IFS= read -r line; do
	printf '%s!\n' "${line^^}"
done
