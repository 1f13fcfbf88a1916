package io.pipeio.server;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The C library calls of the event loop's hot path, bound by JNA's direct mapping: a
 * {@code native} method that JNA registers costs a fraction of a call through a
 * {@link com.sun.jna.Library} proxy (no reflection, no argument array, no
 * {@link com.sun.jna.NativeLong} per call), and a failure returns {@code -1} with the
 * error in {@link Native#getLastError()} instead of throwing, so the {@code EAGAIN} that
 * ends every turn costs no exception. Used only where {@code long} is 64 bits (so
 * {@code size_t} fits a Java {@code long}); elsewhere {@link Posix} makes the same calls
 * through its interface.
 *
 * @author pipe-io
 */
final class DirectCalls {

	/** Whether the methods below are bound and may be called. */
	static final boolean AVAILABLE = register();

	private DirectCalls() {
	}

	private static boolean register() {
		if (Native.LONG_SIZE != 8) {
			return false;
		}
		try {
			Native.register(DirectCalls.class, "c");
			return true;
		}
		catch (Throwable ex) {
			// no JNA native stub or no C library: the interface calls report it
			return false;
		}
	}

	static native long read(int fd, Pointer buffer, long count);

	static native long write(int fd, Pointer buffer, long count);

	static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

	static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeout);

}
