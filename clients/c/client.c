/*
 * pipe-io client in C99 + POSIX: one request/reply on each of the echo, upper and calc channels,
 * or, with --stdio, a plug-in that answers each line of stdin on stdout.
 *
 * Usage: ./client [DIR]      (DIR defaults to ${TMPDIR:-/tmp}/pipe-io)
 *        ./client --stdio    (plug-in mode: each line in, the line upper-cased out)
 *
 * Each channel is two FIFOs: write a request line to DIR/<channel>.in, read the reply line
 * from DIR/<channel>.out. Exit status: 0 = all checks passed, 1 = a check failed, a pipe is
 * missing or not a FIFO, or the server went away, 2 = timed out (no server answering).
 */
#define _POSIX_C_SOURCE 200809L /* getline, fdopen, sigaction */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#define TIMEOUT_S 10
#define STR(x) #x
#define XSTR(x) STR(x)

static const char *dir;

/* What on_timeout says, made by main before the alarm is set: snprintf is not async-signal-safe. */
static char timeout_msg[4200];
static size_t timeout_len;

/* SIGALRM: the overall time budget ran out. Only async-signal-safe calls here. */
static void on_timeout(int sig)
{
	(void)sig;
	(void)!write(STDERR_FILENO, timeout_msg, timeout_len);
	_exit(2);
}

/* open(2) a FIFO without O_CREAT (never create a regular file where the FIFO should be), refuse
 * anything that is not a FIFO (fstat checks the file just opened, before a byte is written), and
 * wrap it in stdio. With the server running this never blocks: it holds both FIFOs open. */
static FILE *open_fifo(const char *path, int flags, const char *mode)
{
	struct stat st;
	int fd = open(path, flags);
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))) {
		fprintf(stderr, "%s is not a FIFO (is the server running on this directory?)\n", path);
		close(fd);
		return NULL;
	}
	FILE *f = fd < 0 ? NULL : fdopen(fd, mode);
	if (f == NULL) {
		fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

/*
 * Send one line to a channel and return its reply line without the newline (malloc'ed, the
 * caller frees it), or NULL with a message on stderr. Exits with 1 if the server went away.
 */
static char *request(const char *channel, const char *line)
{
	char in_path[4096], out_path[4096];
	if (strchr(line, '\n') != NULL) {
		/* it would be two requests, and the second's reply would answer the next call */
		fprintf(stderr, "%s: a line must not contain a newline\n", channel);
		return NULL;
	}
	snprintf(in_path, sizeof in_path, "%s/%s.in", dir, channel);
	snprintf(out_path, sizeof out_path, "%s/%s.out", dir, channel);

	FILE *in = open_fifo(in_path, O_WRONLY, "w");
	FILE *out = in != NULL ? open_fifo(out_path, O_RDONLY, "r") : NULL;
	char *reply = NULL;
	size_t cap = 0;
	if (out != NULL) {
		/* Unbuffered, getline reads a byte at a time: a buffered read could take the start of
		 * the line behind the reply, another reader's, and a pipe cannot be given bytes back. */
		setvbuf(out, NULL, _IONBF, 0);
		/* stdio buffers the line and fflush sends it, newline included, in one write(2). */
		if (fprintf(in, "%s\n", line) < 0 || fflush(in) != 0) {
			fprintf(stderr, "cannot write to %s: %s\n", in_path, strerror(errno));
		} else {
			ssize_t n = getline(&reply, &cap, out); /* one whole line, any length */
			if (n > 0 && reply[n - 1] == '\n') {
				reply[n - 1] = '\0';
			} else {
				/* EOF: every writer left, the server went away. Stop here: the other channels'
				 * FIFOs have nobody holding them any more, and opening one would block until
				 * the timeout. exit flushes stdout and closes the FIFOs. */
				fprintf(stderr, "%s: FAILED: %s closed before a full reply line arrived: "
						"the server went away\n", channel, out_path);
				exit(EXIT_FAILURE);
			}
		}
	}
	if (in != NULL)
		fclose(in);
	if (out != NULL)
		fclose(out);
	return reply;
}

/* Write s with its control characters and backslashes escaped (\r, \t, \x01, ...), so that a
 * stray '\r' at the end of a reply shows; other bytes, UTF-8 included, go out as they are. */
static void put_escaped(const char *s, FILE *f)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\')
			fputs("\\\\", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/* Print "NAME: ok" and return 0, or complain on stderr and return 1. */
static int report(const char *name, int passed, const char *reply)
{
	if (passed) {
		printf("%s: ok\n", name);
	} else if (reply != NULL) {
		fprintf(stderr, "%s: FAILED: unexpected reply '", name);
		put_escaped(reply, stderr);
		fputs("'\n", stderr);
	} else {
		fprintf(stderr, "%s: FAILED: no reply\n", name);
	}
	return !passed;
}

/* calc: find "result" in the JSON reply and parse the number after its colon. */
static int result_is(const char *json, double expected)
{
	const char *p = strstr(json, "\"result\"");
	if (p == NULL)
		return 0;
	p += strlen("\"result\"");
	p += strspn(p, " \t");
	if (*p++ != ':')
		return 0;
	char *end;
	double value = strtod(p, &end); /* strtod skips leading blanks; accepts 3, 3.0, 3e0 */
	return end != p && fabs(value - expected) < 1e-9;
}

/* Write one line upper-cased as UTF-8 text (towupper per character); a byte that is not valid
 * UTF-8 is copied as it is. */
static void put_upper(const char *line, size_t len, FILE *out)
{
	mbstate_t in_state, out_state;
	memset(&in_state, 0, sizeof in_state);
	memset(&out_state, 0, sizeof out_state);
	char buf[MB_LEN_MAX];
	size_t i = 0;
	while (i < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, line + i, len - i, &in_state);
		size_t m;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			/* invalid, truncated or NUL: copy the byte, start afresh */
			fputc((unsigned char)line[i], out);
			memset(&in_state, 0, sizeof in_state);
			i++;
		} else if ((m = wcrtomb(buf, (wchar_t)towupper((wint_t)wc), &out_state)) != (size_t)-1) {
			fwrite(buf, 1, m, out);
			i += n;
		} else {
			fwrite(line + i, 1, n, out);
			i += n;
		}
	}
}

/*
 * Plug-in mode: answer each request line with the line upper-cased, as the sample's upper channel
 * does, until EOF (the host stopped, or died). One reply line per request, flushed at once: the
 * n-th reply answers the n-th request, and a buffered answer keeps its caller waiting.
 */
static int plugin(void)
{
	/* towupper needs a UTF-8 locale; C.UTF-8 is built into glibc, whatever the environment says. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		fprintf(stderr, "no C.UTF-8 locale: only ASCII letters are upper-cased\n");
	fprintf(stderr, "c plug-in ready\n");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	/* getline splits on '\n' only; a last line without it is incomplete: the host drops it too. */
	while ((n = getline(&line, &cap, stdin)) > 0 && line[n - 1] == '\n') {
		put_upper(line, (size_t)n - 1, stdout);
		fputc('\n', stdout);
		if (fflush(stdout) != 0)
			break;
	}
	free(line);
	return ferror(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--stdio") == 0)
		return plugin();

	const char *tmp = getenv("TMPDIR");
	static char default_dir[4096];
	snprintf(default_dir, sizeof default_dir, "%s/pipe-io", tmp != NULL && *tmp ? tmp : "/tmp");
	dir = argc > 1 ? argv[1] : default_dir;
	snprintf(timeout_msg, sizeof timeout_msg, "timed out after " XSTR(TIMEOUT_S) " s (is the server running on %s?)\n",
			dir);
	timeout_len = strlen(timeout_msg);

	/* Overall timeout. The handler exits, so it also ends an open() that blocks (FIFO
	 * present but no server). Line-buffer stdout so its lines survive that _exit(). */
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_timeout;
	sigaction(SIGALRM, &sa, NULL);
	alarm(TIMEOUT_S);
	/* A server that closes its in pipe (a channel stopping) makes a write fail with EPIPE,
	 * reported like any failed write, rather than kill this process silently. */
	signal(SIGPIPE, SIG_IGN);

	int failed = 0;
	char *reply;

	/* echo: the reply is byte for byte the request. */
	reply = request("echo", "hello pipe-io");
	failed |= report("echo", reply != NULL && strcmp(reply, "hello pipe-io") == 0, reply);
	free(reply);

	/* upper: the reply is the line upper-cased; the literals are UTF-8 bytes. */
	reply = request("upper", "héllo wörld");
	failed |= report("upper", reply != NULL && strcmp(reply, "HÉLLO WÖRLD") == 0, reply);
	free(reply);

	/* calc: JSON in, JSON out. */
	reply = request("calc", "{\"op\":\"add\",\"a\":1,\"b\":2}");
	failed |= report("calc", reply != NULL && result_is(reply, 3), reply);
	free(reply);

	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
