package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Path;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.IntByReference;

/**
 * How many bytes wait unread in a FIFO, asked in the test's own process
 * ({@code FIONREAD}, {@code F_GETPIPE_SZ}) without taking any of them. Not through a
 * python3 process: tests poll this within a bounded wait, and starting an interpreter
 * (behind a version manager's shim, a dozen processes) can take longer than that wait on
 * a busy machine.
 */
final class PipeContents {

	/** Linux's {@code FIONREAD}; powerpc numbers its ioctls otherwise. */
	private static final long FIONREAD = System.getProperty("os.arch", "").startsWith("ppc") ? 0x4004667FL : 0x541BL;

	private static final int F_GETPIPE_SZ = 1032;

	private static final Calls LIBC = Native.load("c", Calls.class);

	private PipeContents() {
	}

	/**
	 * @param fifo the FIFO
	 * @return how many bytes wait unread in it
	 */
	static int unreadBytes(Path fifo) throws IOException {
		int fd = open(fifo);
		try {
			return unread(fd);
		}
		finally {
			Posix.close(fd);
		}
	}

	/**
	 * @param fifo the FIFO
	 * @return whether it holds as many unread bytes as it can, so that writers block
	 */
	static boolean isFull(Path fifo) throws IOException {
		int fd = open(fifo);
		try {
			return unread(fd) == LIBC.fcntl(fd, F_GETPIPE_SZ, 0);
		}
		catch (LastErrorException ex) {
			throw Posix.failure("fcntl(F_GETPIPE_SZ)", ex);
		}
		finally {
			Posix.close(fd);
		}
	}

	/** For reading and writing: a FIFO opened so never waits for the other end. */
	private static int open(Path fifo) throws IOException {
		return Posix.open(fifo.toString(), Posix.O_RDWR | Posix.O_NONBLOCK);
	}

	private static int unread(int fd) throws IOException {
		IntByReference count = new IntByReference();
		try {
			LIBC.ioctl(fd, new NativeLong(FIONREAD), count);
		}
		catch (LastErrorException ex) {
			throw Posix.failure("ioctl(FIONREAD)", ex);
		}
		return count.getValue();
	}

	/** The C library calls that only tests make. */
	interface Calls extends Library {

		int ioctl(int fd, NativeLong request, IntByReference count) throws LastErrorException;

		int fcntl(int fd, int command, int argument) throws LastErrorException;

	}

}
