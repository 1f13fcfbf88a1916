package io.pipeio.server;

import java.io.IOException;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;

/**
 * A pipe of the engine's own that looks at what another pipe holds without taking it:
 * {@code tee(2)} copies the other pipe's first bytes into this one, and they are read
 * from here. Bytes read from a pipe cannot be put back, and taking them makes room for
 * more; looking does neither.
 *
 * @author pipe-io
 */
final class PipePeek implements AutoCloseable {

	private static final int SPLICE_F_NONBLOCK = 2;

	private static final int F_SETPIPE_SZ = 1031;

	private static final int F_GETPIPE_SZ = 1032;

	private final int reader;

	private final int writer;

	private PipePeek(int reader, int writer) {
		this.reader = reader;
		this.writer = writer;
	}

	/**
	 * Open a pipe to peek through.
	 * @return the pipe, to close
	 * @throws IOException if it cannot be created
	 */
	static PipePeek open() throws IOException {
		int[] fds = new int[2];
		try {
			Posix.libc().pipe2(fds, Posix.O_NONBLOCK | Posix.O_CLOEXEC);
		}
		catch (LastErrorException ex) {
			throw Posix.failure("pipe2", ex.getErrorCode());
		}
		return new PipePeek(fds[0], fds[1]);
	}

	/**
	 * Make room here for everything another pipe can hold, so that one {@link #copy} sees
	 * all of it.
	 * @param other a descriptor of the other pipe
	 * @return whether this pipe is now at least as large
	 * @throws IOException if the C library cannot be loaded
	 */
	boolean holdAllOf(int other) throws IOException {
		try {
			int size = Posix.libc().fcntl(other, F_GETPIPE_SZ, 0);
			return Posix.libc().fcntl(this.writer, F_GETPIPE_SZ, 0) >= size
					|| Posix.libc().fcntl(this.writer, F_SETPIPE_SZ, size) >= size;
		}
		catch (LastErrorException ex) {
			// larger than this user may make a pipe: pipe-max-size, or a user with
			// thousands of pipes past pipe-user-pages-soft
			return false;
		}
	}

	/**
	 * Make a pipe as small as what it holds allows (a page at the least), so that filling
	 * it, and looking at all it holds, costs no more than that.
	 * @param fd a descriptor of the pipe
	 * @param held the bytes it holds
	 * @return its size now, or {@link Integer#MAX_VALUE} if it could not be told
	 * @throws IOException if the C library cannot be loaded
	 */
	static int shrink(int fd, int held) throws IOException {
		try {
			return Posix.libc().fcntl(fd, F_SETPIPE_SZ, Math.max(held, 1));
		}
		catch (LastErrorException ex) {
			// what it holds takes more pages than that size has: left as it is
			return Integer.MAX_VALUE;
		}
	}

	/**
	 * Copy the first bytes the other pipe holds, without taking them. Each call copies
	 * from the other pipe's start again, so what was copied is to be read before the next
	 * call.
	 * @param in the other pipe, opened for reading
	 * @param length copy at most this much
	 * @return the bytes copied, 0 if every writer left an empty pipe, -1 if there are
	 * none now
	 * @throws IOException if the call fails
	 */
	int copy(int in, int length) throws IOException {
		try {
			return Posix.libc().tee(in, this.writer, new NativeLong(length), SPLICE_F_NONBLOCK).intValue();
		}
		catch (LastErrorException ex) {
			if (ex.getErrorCode() == Posix.EAGAIN) {
				return -1;
			}
			throw Posix.failure("tee", ex.getErrorCode());
		}
	}

	/**
	 * Read what was copied.
	 * @param buffer the buffer to read into
	 * @param length read at most this much
	 * @return the bytes read, -1 if none are left
	 * @throws IOException if the call fails
	 */
	int read(byte[] buffer, int length) throws IOException {
		return Posix.readNow(this.reader, buffer, length);
	}

	@Override
	public void close() {
		Posix.close(this.reader);
		Posix.close(this.writer);
	}

}
