/*
 * The load client of the pipe-io benchmarks: one separate process, the same for every server
 * variant. It talks to a line echo server through DIR/echo.in (requests) and DIR/echo.out
 * (replies), both FIFOs created and held open by the server.
 *
 *   load throughput DIR N SIZE   a writer thread writes N lines of SIZE bytes (+ '\n') while the
 *                                main thread reads N lines back and checks their count, length
 *                                and first byte; prints elapsed time and messages per second
 *   load pingpong DIR N SIZE     N round trips of one line each (after min(N/10, 1000) untimed
 *                                ones); prints p50/p90/p99/p99.9/max latency in microseconds
 *
 * Output is one line of key=value pairs, for the harness to parse. Exit status 0 only if every
 * reply was complete and correct.
 *
 * Line i is the letter 'A' + i % 26 followed by SIZE - 1 bytes of 'x' (ASCII, so a String
 * listener takes its fast decoding path).
 *
 * Build: gcc -O2 -pthread -o load load.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int in_fd;   /* the server's in pipe: we write requests */
static int out_fd;  /* the server's out pipe: we read replies */
static long count;
static long size;

static double now_seconds(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
	fprintf(stderr, "load: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void write_all(int fd, const char *data, size_t length) {
	while (length > 0) {
		ssize_t written = write(fd, data, length);
		if (written < 0) {
			if (errno == EINTR) {
				continue;
			}
			die("write");
		}
		data += written;
		length -= (size_t) written;
	}
}

/* A block of whole lines: line j of the block starts with 'A' + j % 26. */
static char *make_block(long lines, size_t *length) {
	size_t line_length = (size_t) size + 1;
	char *block = malloc(line_length * (size_t) lines);
	if (block == NULL) {
		die("malloc");
	}
	for (long j = 0; j < lines; j++) {
		char *line = block + j * line_length;
		memset(line, 'x', (size_t) size);
		if (size > 0) {
			line[0] = (char) ('A' + j % 26);
		}
		line[size] = '\n';
	}
	*length = line_length * (size_t) lines;
	return block;
}

static void *writer(void *unused) {
	(void) unused;
	/* Whole multiples of 26 lines, about 64 KiB per write, so every write continues the pattern. */
	long per_block = 26;
	while ((per_block + 26) * (size + 1) <= 65536) {
		per_block += 26;
	}
	size_t block_length;
	char *block = make_block(per_block, &block_length);
	long remaining = count;
	while (remaining >= per_block) {
		write_all(in_fd, block, block_length);
		remaining -= per_block;
	}
	if (remaining > 0) {
		write_all(in_fd, block, (size_t) remaining * (size_t) (size + 1));
	}
	free(block);
	return NULL;
}

static int throughput(void) {
	size_t capacity = 1 << 20;
	char *buffer = malloc(capacity);
	if (buffer == NULL) {
		die("malloc");
	}
	pthread_t thread;
	double start = now_seconds();
	if (pthread_create(&thread, NULL, writer, NULL) != 0) {
		die("pthread_create");
	}
	long lines = 0;
	long errors = 0;
	long current = 0;    /* bytes of the current line read so far */
	int first = -1;      /* first byte of the current line */
	while (lines < count) {
		ssize_t n = read(out_fd, buffer, capacity);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			die("read");
		}
		if (n == 0) {
			fprintf(stderr, "load: unexpected EOF after %ld lines\n", lines);
			return 1;
		}
		char *position = buffer;
		char *end = buffer + n;
		while (position < end) {
			if (first < 0 && current == 0) {
				first = (unsigned char) *position;
			}
			char *newline = memchr(position, '\n', (size_t) (end - position));
			if (newline == NULL) {
				current += end - position;
				break;
			}
			current += newline - position;
			if (current != size || (size > 0 && first != 'A' + lines % 26)) {
				if (errors < 5) {
					fprintf(stderr, "load: line %ld has length %ld (expected %ld), first byte %d\n", lines,
							current, size, first);
				}
				errors++;
			}
			lines++;
			current = 0;
			first = -1;
			position = newline + 1;
		}
	}
	double elapsed = now_seconds() - start;
	pthread_join(thread, NULL);
	printf("mode=throughput lines=%ld size=%ld errors=%ld elapsed_s=%.6f msg_per_s=%.0f mib_per_s=%.1f\n", lines,
			size, errors, elapsed, lines / elapsed, lines * (double) (size + 1) / elapsed / 1048576.0);
	free(buffer);
	return errors == 0 ? 0 : 1;
}

static int compare_doubles(const void *a, const void *b) {
	double x = *(const double *) a;
	double y = *(const double *) b;
	return (x > y) - (x < y);
}

static double percentile(const double *sorted, long n, double p) {
	long index = (long) (p / 100.0 * (double) n + 0.5) - 1;
	if (index < 0) {
		index = 0;
	}
	if (index >= n) {
		index = n - 1;
	}
	return sorted[index];
}

static int pingpong(void) {
	size_t line_length = (size_t) size + 1;
	char *request = malloc(line_length);
	char *reply = malloc(line_length + 65536);
	double *samples = malloc(sizeof(double) * (size_t) (count > 0 ? count : 1));
	if (request == NULL || reply == NULL || samples == NULL) {
		die("malloc");
	}
	memset(request, 'x', (size_t) size);
	if (size > 0) {
		request[0] = 'A';
	}
	request[size] = '\n';
	long warmup = count / 10 < 1000 ? count / 10 : 1000;
	long errors = 0;
	for (long i = -warmup; i < count; i++) {
		double start = now_seconds();
		write_all(in_fd, request, line_length);
		size_t received = 0;
		while (received == 0 || reply[received - 1] != '\n') {
			ssize_t n = read(out_fd, reply + received, line_length + 65536 - received);
			if (n < 0) {
				if (errno == EINTR) {
					continue;
				}
				die("read");
			}
			if (n == 0) {
				fprintf(stderr, "load: unexpected EOF\n");
				return 1;
			}
			received += (size_t) n;
		}
		double elapsed = now_seconds() - start;
		if (received != line_length || (size > 0 && reply[0] != 'A')) {
			errors++;
		}
		if (i >= 0) {
			samples[i] = elapsed * 1e6;
		}
	}
	qsort(samples, (size_t) count, sizeof(double), compare_doubles);
	double sum = 0;
	for (long i = 0; i < count; i++) {
		sum += samples[i];
	}
	printf("mode=pingpong roundtrips=%ld size=%ld errors=%ld mean_us=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f"
			" p999_us=%.1f max_us=%.1f\n", count, size, errors, sum / count, percentile(samples, count, 50),
			percentile(samples, count, 90), percentile(samples, count, 99), percentile(samples, count, 99.9),
			samples[count - 1]);
	return errors == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
	if (argc != 5) {
		fprintf(stderr, "usage: load throughput|pingpong DIR N SIZE\n");
		return 2;
	}
	count = atol(argv[3]);
	size = atol(argv[4]);
	if (count < 1 || size < 0) {
		fprintf(stderr, "load: N must be at least 1 and SIZE at least 0\n");
		return 2;
	}
	char in_path[4096], out_path[4096];
	snprintf(in_path, sizeof in_path, "%s/echo.in", argv[2]);
	snprintf(out_path, sizeof out_path, "%s/echo.out", argv[2]);
	/* The server holds both FIFOs open read-write, so neither open blocks. */
	in_fd = open(in_path, O_WRONLY);
	if (in_fd < 0) {
		die(in_path);
	}
	out_fd = open(out_path, O_RDONLY);
	if (out_fd < 0) {
		die(out_path);
	}
	if (strcmp(argv[1], "throughput") == 0) {
		return throughput();
	}
	if (strcmp(argv[1], "pingpong") == 0) {
		return pingpong();
	}
	fprintf(stderr, "load: unknown mode %s\n", argv[1]);
	return 2;
}
