package io.pipeio.server;

import java.io.IOException;
import java.lang.ref.Reference;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.jspecify.annotations.Nullable;

/**
 * The Linux {@code epoll} calls the event loop makes, through JNA. An {@code epoll_event}
 * holds the event mask and a 64-bit token; its layout is packed on x86 and naturally
 * aligned elsewhere.
 *
 * @author pipe-io
 */
final class Epoll {

	static final int EPOLLIN = 0x001;

	static final int EPOLLOUT = 0x004;

	static final int EPOLLERR = 0x008;

	static final int EPOLLHUP = 0x010;

	static final int EPOLLONESHOT = 1 << 30;

	static final int EPOLLET = 1 << 31;

	private static final int EPOLL_CTL_ADD = 1;

	private static final int EPOLL_CTL_DEL = 2;

	private static final int EPOLL_CTL_MOD = 3;

	private static final boolean PACKED = switch (System.getProperty("os.arch", "")) {
		case "amd64", "x86_64", "x86", "i386", "i686" -> true;
		default -> false;
	};

	/** Size of one {@code struct epoll_event}. */
	static final int EVENT_SIZE = PACKED ? 12 : 16;

	private static final int DATA_OFFSET = PACKED ? 4 : 8;

	private static final @Nullable Throwable UNAVAILABLE = probe();

	/** The event {@code epoll_ctl} reads, one per thread that arms a descriptor. */
	private static final ThreadLocal<Memory> EVENT = ThreadLocal.withInitial(() -> new Memory(EVENT_SIZE));

	private Epoll() {
	}

	/**
	 * @return why the event loop cannot run here, or {@code null} if it can
	 */
	static @Nullable Throwable unavailable() {
		return UNAVAILABLE;
	}

	private static @Nullable Throwable probe() {
		try {
			int epfd = create();
			Posix.close(epfd);
			return null;
		}
		catch (IOException | RuntimeException | LinkageError ex) {
			return ex;
		}
	}

	/**
	 * @return a new epoll descriptor, closed on exec
	 */
	static int create() throws IOException {
		try {
			return Posix.libc().epoll_create1(Posix.O_CLOEXEC);
		}
		catch (LastErrorException ex) {
			throw Posix.failure("epoll_create1", ex);
		}
	}

	static void add(int epfd, int fd, int events, long token) throws IOException {
		control(epfd, EPOLL_CTL_ADD, fd, events, token);
	}

	static void modify(int epfd, int fd, int events, long token) throws IOException {
		control(epfd, EPOLL_CTL_MOD, fd, events, token);
	}

	static void delete(int epfd, int fd) {
		try {
			control(epfd, EPOLL_CTL_DEL, fd, 0, 0);
		}
		catch (IOException ex) {
			// not registered (any more): nothing to remove
		}
	}

	private static void control(int epfd, int op, int fd, int events, long token) throws IOException {
		HotPathCalls calls = HotPathCalls.INSTANCE;
		if (calls != null) {
			// Re-armed after every turn: no allocation per call. A thread's own buffer,
			// as the kernel copies the event before epoll_ctl returns.
			Memory event = EVENT.get();
			event.setInt(0, events);
			event.setLong(DATA_OFFSET, token);
			if (calls.epollCtl(epfd, op, fd, Pointer.nativeValue(event)) < 0) {
				throw Posix.failure("epoll_ctl", calls.lastError());
			}
			return;
		}
		try (Memory event = new Memory(EVENT_SIZE)) {
			event.setInt(0, events);
			event.setLong(DATA_OFFSET, token);
			Posix.libc().epoll_ctl(epfd, op, fd, event);
		}
		catch (LastErrorException ex) {
			throw Posix.failure("epoll_ctl", ex);
		}
	}

	/**
	 * Wait for events.
	 * @param epfd the epoll descriptor
	 * @param events room for {@code max} events
	 * @param max how many events fit
	 * @return how many events arrived; 0 if interrupted by a signal
	 */
	static int await(int epfd, Pointer events, int max) throws IOException {
		HotPathCalls calls = HotPathCalls.INSTANCE;
		if (calls != null) {
			int ready = calls.epollWait(epfd, Pointer.nativeValue(events), max, -1);
			// Passed as an address: its memory would be freed if it were collected.
			Reference.reachabilityFence(events);
			if (ready >= 0) {
				return ready;
			}
			int errno = calls.lastError();
			if (errno == Posix.EINTR) {
				return 0;
			}
			throw Posix.failure("epoll_wait", errno);
		}
		try {
			return Posix.libc().epoll_wait(epfd, events, max, -1);
		}
		catch (LastErrorException ex) {
			if (ex.getErrorCode() == Posix.EINTR) {
				return 0;
			}
			throw Posix.failure("epoll_wait", ex);
		}
	}

	static int events(Pointer events, int index) {
		return events.getInt((long) index * EVENT_SIZE);
	}

	static long token(Pointer events, int index) {
		return events.getLong((long) index * EVENT_SIZE + DATA_OFFSET);
	}

	static Memory newEvents(int max) {
		return new Memory((long) max * EVENT_SIZE);
	}

}
