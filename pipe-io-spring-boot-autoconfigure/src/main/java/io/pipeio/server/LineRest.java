package io.pipeio.server;

import java.io.IOException;

/**
 * Takes the rest of a line out of a pipe, and not one byte more: what a stop does with a
 * line it cut in a pipe that outlives the server, so that the next server to read the
 * pipe does not take that rest for a line of its own. Bytes read from a pipe cannot be
 * put back, so they are first looked at through a {@link PipePeek}; then exactly the
 * bytes up to the newline are read.
 *
 * @author pipe-io
 */
final class LineRest {

	/** At most this much is skipped: a pipe's largest size (the writer may go on). */
	private static final int MAX_SKIPPED = 1024 * 1024;

	private LineRest() {
	}

	/**
	 * Take the rest of the line the pipe's bytes start inside, up to and with its
	 * newline, as far as the pipe holds it now.
	 * @param fd the pipe, opened for reading with {@link Posix#O_NONBLOCK}
	 * @param buffer a buffer to read into
	 * @return whether the newline was there: if not, what the pipe held was taken, and
	 * the rest, written later, reaches the pipe's next reader
	 * @throws IOException if a call fails
	 */
	static boolean skip(int fd, byte[] buffer) throws IOException {
		try (PipePeek peek = PipePeek.open()) {
			long skipped = 0;
			while (skipped < MAX_SKIPPED) {
				int seen = peek.copy(fd, buffer.length);
				if (seen <= 0) {
					return false; // nothing more now, or every writer left
				}
				int copied = peek.read(buffer, seen);
				int newline = indexOfNewline(buffer, copied);
				int taken = (newline >= 0) ? newline + 1 : copied;
				take(fd, buffer, taken);
				skipped += taken;
				if (newline >= 0) {
					return true;
				}
			}
			return false;
		}
	}

	/** Read exactly {@code length} bytes the pipe is known to hold. */
	private static void take(int fd, byte[] buffer, int length) throws IOException {
		int taken = 0;
		while (taken < length) {
			int read = Posix.readNow(fd, buffer, length - taken);
			if (read <= 0) {
				return; // taken by another reader meanwhile
			}
			taken += read;
		}
	}

	private static int indexOfNewline(byte[] buffer, int length) {
		for (int i = 0; i < length; i++) {
			if (buffer[i] == '\n') {
				return i;
			}
		}
		return -1;
	}

}
