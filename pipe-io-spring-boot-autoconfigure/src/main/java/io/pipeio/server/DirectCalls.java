package io.pipeio.server;

import com.sun.jna.Native;

/**
 * The C library calls of the event loop's hot path, bound by JNA's direct mapping: a
 * {@code native} method that JNA registers costs a fraction of a call through a
 * {@link com.sun.jna.Library} proxy (no reflection, no argument array, no
 * {@link com.sun.jna.NativeLong} per call), and a failure returns {@code -1} with the
 * error in {@link Native#getLastError()} instead of throwing. Bound only where
 * {@code long} and pointers are 64 bits (so {@code size_t} and an address fit a Java
 * {@code long}); {@link HotPathCalls} makes them through {@link #calls()} where the
 * foreign function API is not there.
 *
 * @author pipe-io
 */
final class DirectCalls {

	/** Whether the methods below are bound and may be called. */
	static final boolean AVAILABLE = register();

	private DirectCalls() {
	}

	private static boolean register() {
		if (Native.LONG_SIZE != 8 || Native.POINTER_SIZE != 8) {
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

	/**
	 * @return the calls, to be made only if {@link #AVAILABLE}
	 */
	static HotPathCalls calls() {
		return new Bound();
	}

	static native long read(int fd, long buffer, long count);

	static native long write(int fd, long buffer, long count);

	static native int epoll_ctl(int epfd, int op, int fd, long event);

	static native int epoll_wait(int epfd, long events, int maxEvents, int timeout);

	/** The bound methods as {@link HotPathCalls}. */
	private static final class Bound implements HotPathCalls {

		@Override
		public long read(int fd, long buffer, long count) {
			return DirectCalls.read(fd, buffer, count);
		}

		@Override
		public long write(int fd, long buffer, long count) {
			return DirectCalls.write(fd, buffer, count);
		}

		@Override
		public int epollCtl(int epfd, int op, int fd, long event) {
			return epoll_ctl(epfd, op, fd, event);
		}

		@Override
		public int epollWait(int epfd, long events, int maxEvents, int timeout) {
			return epoll_wait(epfd, events, maxEvents, timeout);
		}

		@Override
		public int lastError() {
			return Native.getLastError();
		}

	}

}
