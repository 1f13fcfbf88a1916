package io.pipeio.server;

import java.io.IOException;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

/**
 * Asking a FIFO's descriptors what {@code poll} reports, without waiting (input, a reader
 * left, every writer left), and waiting on one until it is ready or an {@code eventfd}
 * wakes the waiter. Through the C library {@link Posix} binds.
 *
 * @author pipe-io
 */
final class PosixPoll {

	private static final short POLLIN = 0x1;

	private static final short POLLOUT = 0x4;

	private static final short POLLERR = 0x8;

	private static final short POLLHUP = 0x10;

	/** Linux's {@code FIONREAD}; powerpc numbers its ioctls otherwise. */
	private static final long FIONREAD = System.getProperty("os.arch", "").startsWith("ppc") ? 0x4004667FL : 0x541BL;

	private PosixPoll() {
	}

	/**
	 * @return a new non-blocking {@code eventfd} for {@link #pollEither}
	 */
	static int eventfd() throws IOException {
		try {
			return Posix.libc().eventfd(0, Posix.O_NONBLOCK | Posix.O_CLOEXEC);
		}
		catch (LastErrorException ex) {
			throw Posix.failure("eventfd", ex);
		}
	}

	/**
	 * Make an {@code eventfd} readable, which ends a {@link #pollEither} waiting on it.
	 */
	static void signal(int eventfd) {
		try (Memory one = new Memory(8)) {
			one.setLong(0, 1);
			Posix.libc().write(eventfd, one, new NativeLong(8));
		}
		catch (LastErrorException | IOException ex) {
			// EAGAIN: the counter is already set, the waiter wakes anyway.
		}
	}

	/**
	 * Wait until the first descriptor reports input or hang-up, or the second (an
	 * eventfd) is signalled.
	 * @return whether the first descriptor is ready (rather than only the wake-up)
	 */
	static boolean pollEither(int fd, int wake) throws IOException {
		try (Memory fds = new Memory(16)) {
			fds.setInt(0, fd);
			fds.setShort(4, POLLIN);
			fds.setShort(6, (short) 0);
			fds.setInt(8, wake);
			fds.setShort(12, POLLIN);
			fds.setShort(14, (short) 0);
			while (true) {
				try {
					Posix.libc().poll(fds, 2, -1);
					return fds.getShort(6) != 0 && fds.getShort(14) == 0;
				}
				catch (LastErrorException ex) {
					if (ex.getErrorCode() != Posix.EINTR) {
						throw Posix.failure("poll", ex);
					}
				}
			}
		}
	}

	/**
	 * Tell, without waiting, whether a FIFO still has a reader, from a descriptor that
	 * writes to it (Linux reports an error condition on the writer once no reader is
	 * left).
	 * @return whether some process has the FIFO open for reading
	 */
	static boolean hasReaders(int writer) throws IOException {
		return (pollNow(writer, POLLOUT) & POLLERR) == 0;
	}

	/**
	 * Tell, without waiting, whether every writer has left a FIFO, from a reader that was
	 * open before they came: Linux reports hang-up on it once the last one left (a reader
	 * opened after they left reports nothing).
	 * @return whether it reports hang-up
	 */
	static boolean writersLeft(int reader) throws IOException {
		return (pollNow(reader, POLLIN) & POLLHUP) != 0;
	}

	/**
	 * Tell, without waiting, whether a pipe holds bytes nobody read yet, from a
	 * descriptor that reads it.
	 * @return whether it reports input
	 */
	static boolean hasInput(int reader) throws IOException {
		return (pollNow(reader, POLLIN) & POLLIN) != 0;
	}

	/**
	 * Tell, without waiting, whether a reader has seen a client: one that wrote, or came
	 * and went since the reader opened ({@link #hasInput} or {@link #writersLeft} in one
	 * poll).
	 * @return whether it reports input or hang-up
	 */
	static boolean sawAClient(int reader) throws IOException {
		return (pollNow(reader, POLLIN) & (POLLIN | POLLHUP)) != 0;
	}

	/**
	 * Ask how many bytes a pipe holds that nobody read yet ({@code FIONREAD}), from any
	 * descriptor of it, without taking them.
	 * @return the number of unread bytes
	 */
	static int unreadBytes(int fd) throws IOException {
		try (Memory count = new Memory(4)) {
			Posix.libc().ioctl(fd, new NativeLong(FIONREAD), count);
			return count.getInt(0);
		}
		catch (LastErrorException ex) {
			throw Posix.failure("ioctl(FIONREAD)", ex);
		}
	}

	/** Poll one descriptor without waiting: what it reports. */
	private static short pollNow(int fd, short events) throws IOException {
		try (Memory fds = new Memory(8)) {
			fds.setInt(0, fd);
			fds.setShort(4, events);
			fds.setShort(6, (short) 0);
			Posix.libc().poll(fds, 1, 0);
			return fds.getShort(6);
		}
		catch (LastErrorException ex) {
			throw Posix.failure("poll", ex);
		}
	}

}
