package io.pipeio.server;

import java.io.IOException;

import com.sun.jna.Memory;

/**
 * Tells a writer about to start on an <em>out</em> pipe whether the pipe ends inside a
 * line. A writer that a stop's deadline cut (or a server killed mid-write) can leave the
 * start of a line in a pipe that outlives it: a pipe the server did not create, or one a
 * restart after a crash reuses, while a client holds it open for reading. The next
 * writer's first line would be glued to that start, and its reader would get neither; so
 * the writer begins with a newline, which ends the cut line (counted as dropped when it
 * was cut) as a line of its own.
 * <p>
 * The pipe's last byte is looked at through a {@link PipePeek}, without taking anything
 * from the client. A start the rest of a line was already read from cannot be seen here:
 * the pipe is then empty.
 *
 * @author pipe-io
 */
final class CutOutLine {

	private CutOutLine() {
	}

	/** The newline, only ever read: made once, with the first writer that needs it. */
	private static final class Newline {

		static final Memory BYTE = new Memory(1);

		static {
			BYTE.setByte(0, (byte) '\n');
		}

	}

	/**
	 * Tell whether what the pipe holds ends inside a line.
	 * @param fd a descriptor of the pipe, opened for reading
	 * @param bufferSize the size of the buffer to read with, made only if the pipe holds
	 * bytes
	 * @return {@code true} if its unread bytes end without a newline; {@code false} if
	 * they end with one, if it is empty, or if its last byte cannot be seen (a pipe
	 * larger than this user may make one)
	 * @throws IOException if a call fails
	 */
	static boolean isLeftIn(int fd, int bufferSize) throws IOException {
		int held = PosixPoll.unreadBytes(fd);
		if (held <= 0) {
			return false;
		}
		try (PipePeek peek = PipePeek.open()) {
			if (!peek.holdAllOf(fd)) {
				return false;
			}
			// Copies all the pipe holds: a client may have read some meanwhile, but no
			// one writes to it before this writer, so its last byte stays the last.
			int seen = peek.copy(fd, held);
			return seen > 0 && lastByte(peek, new byte[Math.min(bufferSize, seen)], seen) != '\n';
		}
	}

	private static byte lastByte(PipePeek peek, byte[] buffer, int seen) throws IOException {
		byte last = '\n';
		int position = 0;
		int read;
		while (position < seen && (read = peek.read(buffer, Math.min(buffer.length, seen - position))) > 0) {
			last = buffer[read - 1];
			position += read;
		}
		return last;
	}

	/**
	 * End the cut line without waiting.
	 * @param fd a writer of the pipe, opened with {@link Posix#O_NONBLOCK}
	 * @return whether the pipe took the newline; if not, it is full
	 * @throws IOException if writing fails
	 */
	static boolean end(int fd) throws IOException {
		return Posix.writeNow(fd, Newline.BYTE, 1) > 0;
	}

}
