#!/usr/bin/env python3
"""pipe-io client (Python 3, standard library only).

Usage: client.py [DIR]      (DIR defaults to ${TMPDIR:-/tmp}/pipe-io)
       client.py --stdio    (plug-in mode: each line in, the line upper-cased out)

Each channel is two FIFOs: write a request line to DIR/<channel>.in, read the reply line
from DIR/<channel>.out. Exit status: 0 = all checks passed, 1 = a check failed, a pipe is
missing or not a FIFO, or the server went away, 2 = timed out (no server answering).
"""
import json
import os
import signal
import stat
import sys

DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ.get("TMPDIR") or "/tmp", "pipe-io")
TIMEOUT_S = 10  # overall budget; also covers open(), which blocks if no server holds the FIFO


def on_timeout(signum, frame):
    print(f"timed out after {TIMEOUT_S} s (is the server running on {DIR}?)", file=sys.stderr)
    raise SystemExit(2)  # not an Exception: escapes the per-check handler below


class ServerGone(EOFError):
    """The out pipe ended before a whole reply line: every writer, the server, went away."""


def open_fifo(path: str, flags: int) -> int:
    """Open a FIFO and return its descriptor, refusing anything that is not a FIFO."""
    # os.open without O_CREAT: never create a regular file where the FIFO should be.
    # With the server running neither open blocks: it holds both FIFOs open read-write.
    fd = os.open(path, flags)
    # fstat checks the file just opened, before a byte is written: the path cannot be swapped.
    if not stat.S_ISFIFO(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path} is not a FIFO (is the server running on this directory?)")
    return fd


def request(channel: str, line: bytes) -> bytes:
    """Send one line to a channel and return its reply line (without the newline)."""
    if b"\n" in line:
        # it would be two requests, and the second's reply would answer the next call
        raise ValueError("a line must not contain a newline")
    with open(open_fifo(os.path.join(DIR, channel + ".in"), os.O_WRONLY), "wb", buffering=0) as pipe_in, \
            open(open_fifo(os.path.join(DIR, channel + ".out"), os.O_RDONLY), "rb", buffering=0) as pipe_out:
        pipe_in.write(line + b"\n")  # unbuffered: one write(2) for the whole (short) line
        # Unbuffered, readline takes a byte at a time: a buffered read could take the start of
        # the line behind the reply, another reader's, and a pipe cannot be given bytes back.
        reply = pipe_out.readline()
    if not reply.endswith(b"\n"):
        raise ServerGone(f"{channel}.out closed before a full reply line arrived: the server went away")
    return reply[:-1]


def check_echo():
    reply = request("echo", b"hello pipe-io")
    return reply == b"hello pipe-io", reply  # byte-exact


def check_upper():
    reply = request("upper", "héllo wörld".encode("utf-8"))
    return reply.decode("utf-8") == "HÉLLO WÖRLD", reply


def check_calc():
    reply = request("calc", json.dumps({"op": "add", "a": 1, "b": 2}, separators=(",", ":")).encode())
    try:
        answer = json.loads(reply)
    except ValueError:  # not JSON (nor UTF-8): an unexpected reply, shown as such
        return False, reply
    # numeric: 3 == 3.0; a reply without "result", such as {"error": ...}, is unexpected too
    return isinstance(answer, dict) and answer.get("result") == 3, reply


def plugin():
    """Plug-in mode: answer each request line with the line upper-cased, as the sample's upper
    channel does, until EOF (the host stopped, or died). One reply line per request, flushed at
    once: the n-th reply answers the n-th request, and a buffered answer keeps its caller waiting."""
    print("python plug-in ready", file=sys.stderr, flush=True)
    try:
        for line in sys.stdin.buffer:  # bytes, split on b"\n" only, as the protocol does
            if not line.endswith(b"\n"):
                break  # a last line without newline is incomplete: the host drops it too
            reply = line[:-1].decode("utf-8", "surrogateescape").upper()
            sys.stdout.buffer.write(reply.encode("utf-8", "surrogateescape") + b"\n")
            sys.stdout.buffer.flush()
    except OSError as e:  # BrokenPipeError (EPIPE): the host went away; Python ignores SIGPIPE
        print(f"python plug-in: {e.strerror or e}", file=sys.stderr)
        # The failed reply stays in stdout's buffer, and Python's flush at exit would print a
        # second error: point stdout at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--stdio":
        return plugin()
    signal.signal(signal.SIGALRM, on_timeout)
    signal.alarm(TIMEOUT_S)
    ok = True
    for name, check in (("echo", check_echo), ("upper", check_upper), ("calc", check_calc)):
        try:
            passed, reply = check()
            if passed:
                print(f"{name}: ok", flush=True)
            else:
                print(f"{name}: FAILED: unexpected reply {reply!r}", file=sys.stderr)
                ok = False
        except ServerGone as e:
            # Stop here: the other channels' FIFOs have nobody holding them any more, and
            # opening one would block until the timeout.
            print(f"{name}: FAILED: {e}", file=sys.stderr)
            return 1
        except Exception as e:  # missing FIFO, not a FIFO, ...
            print(f"{name}: FAILED: {e}", file=sys.stderr)
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
