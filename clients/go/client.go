// pipe-io client in Go, standard library only: one request/reply on each of the echo, upper and
// calc channels, or, with --stdio, a plug-in that answers each line of stdin on stdout.
//
// Usage:
//
//	client [DIR]     DIR defaults to ${TMPDIR:-/tmp}/pipe-io
//	client --stdio   plug-in mode: each line in, the line upper-cased out
//
// Each channel is two FIFOs: write a request line to DIR/<channel>.in, read the reply line
// from DIR/<channel>.out. Exit status: 0 = all checks passed, 1 = a check failed, a pipe is
// missing or not a FIFO, or the server went away, 2 = timed out (no server answering).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const timeout = 10 * time.Second

// errServerGone: a reply's out pipe ended before its newline, because every writer, the server,
// went away.
var errServerGone = errors.New("the server went away")

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--stdio" {
		os.Exit(plugin(os.Stdin, os.Stdout))
	}
	dir := filepath.Join(tmpDir(), "pipe-io")
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}

	// Overall timeout. os.Exit ends the process even while another goroutine is stuck in an
	// open(2) that blocks (FIFO present, no server holding it).
	time.AfterFunc(timeout, func() {
		fmt.Fprintf(os.Stderr, "timed out after %d s (is the server running on %s?)\n", timeout/time.Second, dir)
		os.Exit(2)
	})

	ok := true
	// echo: the reply is byte for byte the request.
	ok = check(dir, "echo", "hello pipe-io", func(reply []byte) bool {
		return string(reply) == "hello pipe-io"
	}) && ok
	// upper: the reply is the line upper-cased (UTF-8).
	ok = check(dir, "upper", "héllo wörld", func(reply []byte) bool {
		return string(reply) == "HÉLLO WÖRLD"
	}) && ok
	// calc: JSON in, JSON out; float64 makes 3 and 3.0 equal.
	ok = check(dir, "calc", `{"op":"add","a":1,"b":2}`, func(reply []byte) bool {
		var answer struct{ Result *float64 }
		return json.Unmarshal(reply, &answer) == nil && answer.Result != nil && *answer.Result == 3
	}) && ok
	if !ok {
		os.Exit(1)
	}
}

// check sends one request and prints "NAME: ok", or complains on stderr and returns false.
func check(dir, channel, line string, passed func([]byte) bool) bool {
	reply, err := request(dir, channel, line)
	switch {
	case err != nil:
		fmt.Fprintf(os.Stderr, "%s: FAILED: %v\n", channel, err)
		if errors.Is(err, errServerGone) {
			// Stop here: the other channels' FIFOs have nobody holding them any more, and
			// opening one would block until the timeout.
			os.Exit(1)
		}
	case !passed(reply):
		fmt.Fprintf(os.Stderr, "%s: FAILED: unexpected reply %q\n", channel, reply)
	default:
		fmt.Printf("%s: ok\n", channel)
		return true
	}
	return false
}

// request sends one line to a channel and returns its reply line without the newline.
func request(dir, channel, line string) ([]byte, error) {
	if strings.Contains(line, "\n") {
		// it would be two requests, and the second's reply would answer the next call
		return nil, errors.New("a line must not contain a newline")
	}
	in, err := openFifo(filepath.Join(dir, channel+".in"), os.O_WRONLY)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	out, err := openFifo(filepath.Join(dir, channel+".out"), os.O_RDONLY)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	// One write(2) for the whole line, newline included: short lines never interleave.
	if _, err := in.Write([]byte(line + "\n")); err != nil {
		return nil, err
	}
	// A byte at a time, not through bufio: a buffered read could take the start of the line
	// behind the reply, another reader's, and a pipe cannot be given bytes back.
	var reply []byte
	one := make([]byte, 1)
	for {
		n, err := out.Read(one)
		if n == 1 {
			if one[0] == '\n' {
				return reply, nil
			}
			reply = append(reply, one[0])
		} else if err == io.EOF {
			return nil, fmt.Errorf("%s.out closed before a full reply line arrived: %w", channel, errServerGone)
		} else if err != nil {
			return nil, fmt.Errorf("reading %s.out: %w", channel, err)
		}
	}
}

// openFifo opens path without O_CREAT, so a missing FIFO is an error and never a new regular
// file, and refuses anything that is not a FIFO before a byte is written. The check runs on the
// opened file, so the path cannot be swapped between the check and the write. With the server
// running neither open blocks: it holds both FIFOs open.
func openFifo(path string, flag int) (*os.File, error) {
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err == nil && info.Mode()&os.ModeNamedPipe == 0 {
		err = errors.New(path + " is not a FIFO (is the server running on this directory?)")
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// plugin answers each request line with the line upper-cased, as the sample's upper channel does,
// until EOF: the host stopped, or died. One reply line per request, flushed at once, because the
// n-th reply answers the n-th request and a buffered answer keeps its caller waiting.
func plugin(stdin io.Reader, stdout io.Writer) int {
	fmt.Fprintln(os.Stderr, "go plug-in ready")
	lines := bufio.NewReader(stdin)
	replies := bufio.NewWriter(stdout)
	for {
		line, err := lines.ReadBytes('\n') // splits on '\n' only, as the protocol does
		if len(line) > 0 && line[len(line)-1] == '\n' {
			replies.Write(bytes.ToUpper(line[:len(line)-1]))
			replies.WriteByte('\n')
			if replies.Flush() != nil {
				return 1
			}
		}
		if err == io.EOF {
			return 0 // a last line without newline is incomplete: the host drops it too
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "go plug-in:", err)
			return 1
		}
	}
}

func tmpDir() string {
	if tmp := os.Getenv("TMPDIR"); tmp != "" {
		return tmp
	}
	return "/tmp"
}
