/*
 * The OS limit for a line echo over a FIFO pair: the reference every pipe-io variant is
 * compared with. Reads lines from DIR/echo.in and writes each one back to DIR/echo.out.
 *
 * Like the pipe-io engine it holds both FIFOs open read-write (never blocks in open(2), never
 * sees EOF when a client closes) and writes in batches: output is buffered and flushed only
 * when the input buffer is drained, i.e. when the next read could block.
 *
 *   echo DIR [BUFFER_BYTES]     (default buffer: 65536 bytes for input and output)
 *
 * Build: gcc -O2 -pthread -o echo echo.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void make_fifo(const char *path) {
	if (mkfifo(path, 0600) != 0 && errno != EEXIST) {
		fprintf(stderr, "echo: mkfifo %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static FILE *open_fifo(const char *path, const char *mode, size_t buffer_size) {
	int fd = open(path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "echo: open %s: %s\n", path, strerror(errno));
		exit(1);
	}
	FILE *file = fdopen(fd, mode);
	if (file == NULL || setvbuf(file, NULL, _IOFBF, buffer_size) != 0) {
		fprintf(stderr, "echo: fdopen %s failed\n", path);
		exit(1);
	}
	return file;
}

/* Whether the stdio input buffer holds no more bytes, so the next getline calls read(2). */
static int input_drained(FILE *in) {
#ifdef __GLIBC__
	return in->_IO_read_ptr >= in->_IO_read_end;
#else
	struct pollfd pfd = { .fd = fileno(in), .events = POLLIN };
	return poll(&pfd, 1, 0) == 0;
#endif
}

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: echo DIR [BUFFER_BYTES]\n");
		return 2;
	}
	size_t buffer_size = (argc > 2) ? (size_t) atol(argv[2]) : 65536;
	char in_path[4096], out_path[4096];
	snprintf(in_path, sizeof in_path, "%s/echo.in", argv[1]);
	snprintf(out_path, sizeof out_path, "%s/echo.out", argv[1]);
	make_fifo(in_path);
	make_fifo(out_path);
	FILE *in = open_fifo(in_path, "r", buffer_size);
	FILE *out = open_fifo(out_path, "w", buffer_size);
	char *line = NULL;
	size_t capacity = 0;
	ssize_t length;
	for (;;) {
		if (input_drained(in) && fflush(out) != 0) {
			perror("echo: write");
			return 1;
		}
		length = getline(&line, &capacity, in);
		if (length < 0) {
			break; /* cannot happen while we hold a writer; kept for robustness */
		}
		if (fwrite(line, 1, (size_t) length, out) != (size_t) length) {
			perror("echo: write");
			return 1;
		}
	}
	fflush(out);
	return 0;
}
