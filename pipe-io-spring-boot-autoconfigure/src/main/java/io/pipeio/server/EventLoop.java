package io.pipeio.server;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

import com.sun.jna.Memory;
import org.jspecify.annotations.Nullable;

/**
 * One thread that waits with {@code epoll} on the pipes of the channels that an
 * {@link EventLoopGroup} placed on it, and hands their handlers to the group's
 * {@link WorkerPool}. The group shares its loops among all the channels of the JVM that
 * run on the event loop engine and ends them with the last one, so no engine thread
 * outlives the last stop; each channel's pipes stay on one loop for the channel's life.
 * <p>
 * Descriptors are registered {@code EPOLLONESHOT}: an event disarms its descriptor until
 * whoever handled it re-arms it, so a channel is never handled by two threads at once and
 * a channel that is paused or busy costs the loop nothing.
 *
 * @author pipe-io
 */
final class EventLoop {

	private static final int MAX_EVENTS = 256;

	private static final long WAKE_TOKEN = 0;

	private final EventLoopGroup group;

	/** The channels placed on this loop, guarded by {@link EventLoopGroup}'s lock. */
	int channels;

	private final int epfd;

	private final int wakeFd;

	private final Thread thread;

	private final Executor workers;

	private final Map<Long, IntConsumer> handlers = new ConcurrentHashMap<>();

	private final AtomicLong tokens = new AtomicLong();

	private volatile boolean running = true;

	private volatile @Nullable Throwable failure;

	private boolean closed;

	/**
	 * Start a loop.
	 * @param group the group that placed it and ends it
	 * @param name the name of its thread
	 * @param workers where handlers run
	 * @throws IOException if {@code epoll} or {@code eventfd} fail
	 */
	EventLoop(EventLoopGroup group, String name, Executor workers) throws IOException {
		this.group = group;
		this.workers = workers;
		this.epfd = Epoll.create();
		try {
			this.wakeFd = Posix.eventfd();
			Epoll.add(this.epfd, this.wakeFd, Epoll.EPOLLIN, WAKE_TOKEN);
		}
		catch (IOException | RuntimeException ex) {
			Posix.close(this.epfd);
			throw ex;
		}
		this.thread = new LoopThread(this::run, name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * @return whether the calling thread is an event loop's, which must never wait
	 */
	static boolean isLoopThread() {
		return Thread.currentThread() instanceof LoopThread;
	}

	/**
	 * Give the loop back to its group; the group's last user ends every loop and the idle
	 * workers. Workers still running a handler that a stop gave up on end when it
	 * returns.
	 * @param timeoutMillis how long to wait for the threads to end
	 */
	void release(long timeoutMillis) {
		this.group.release(this, timeoutMillis);
	}

	/**
	 * @return whether the loop failed: it waits on nothing any more
	 */
	boolean failed() {
		return this.failure != null;
	}

	/**
	 * @return the loop's thread
	 */
	Thread thread() {
		return this.thread;
	}

	/** Make the loop end; its thread closes its descriptors once it left epoll_wait. */
	void stop() {
		this.running = false;
		synchronized (this) {
			if (!this.closed) {
				Posix.signal(this.wakeFd);
			}
		}
	}

	/**
	 * @return the worker pool; a task given to it once the loop is released runs on the
	 * caller's thread
	 */
	Executor workers() {
		return this.workers;
	}

	/**
	 * @return a new token under which a descriptor's events reach a handler
	 * @param handler called on the loop thread with the events; must not block
	 */
	long newToken(IntConsumer handler) {
		long token = this.tokens.incrementAndGet();
		this.handlers.put(token, handler);
		return token;
	}

	/** Forget a token; events already pulled for it are ignored. */
	void removeToken(long token) {
		this.handlers.remove(token);
	}

	/**
	 * Register a descriptor, one-shot.
	 * @param fd the descriptor
	 * @param events what to wait for
	 * @param token the token of its handler
	 */
	synchronized void add(int fd, int events, long token) throws IOException {
		checkRunning();
		if (!this.closed) {
			Epoll.add(this.epfd, fd, events | Epoll.EPOLLONESHOT, token);
		}
	}

	/**
	 * Re-arm a registered descriptor, one-shot.
	 * @param fd the descriptor
	 * @param events what to wait for
	 * @param token the token of its handler
	 */
	synchronized void arm(int fd, int events, long token) throws IOException {
		checkRunning();
		if (!this.closed) {
			Epoll.modify(this.epfd, fd, events | Epoll.EPOLLONESHOT, token);
		}
	}

	/** Unregister a descriptor before it is closed. */
	synchronized void remove(int fd) {
		if (!this.closed) {
			Epoll.delete(this.epfd, fd);
		}
	}

	/**
	 * Hand events to a channel. What a channel throws is its own failure, reported to it
	 * already: it must not end the loop every other channel waits on.
	 */
	private static void tell(IntConsumer handler, int events) {
		try {
			handler.accept(events);
		}
		catch (RuntimeException | Error ex) {
			// the channel's reader or writer reported it
		}
	}

	private void checkRunning() throws IOException {
		Throwable cause = this.failure;
		if (cause != null) {
			throw new IOException("The pipe-io event loop failed: " + cause, cause);
		}
	}

	private void run() {
		try (Memory events = Epoll.newEvents(MAX_EVENTS)) {
			while (this.running) {
				int ready = Epoll.await(this.epfd, events, MAX_EVENTS);
				for (int i = 0; i < ready; i++) {
					long token = Epoll.token(events, i);
					if (token == WAKE_TOKEN) {
						continue; // a release: the loop condition decides
					}
					IntConsumer handler = this.handlers.get(token);
					if (handler != null) {
						tell(handler, Epoll.events(events, i));
					}
				}
			}
		}
		catch (IOException | RuntimeException | Error ex) {
			// Nothing is waited on any more: every channel is told, each fails when it
			// next arms its descriptors, and the watchdog reports it.
			this.failure = ex;
			this.handlers.values().forEach((handler) -> tell(handler, Epoll.EPOLLERR));
		}
		finally {
			// Only now: closed while this thread waits in (or is about to enter)
			// epoll_wait, the number could name another loop's epoll by then.
			synchronized (this) {
				this.closed = true;
				Posix.close(this.epfd);
				Posix.close(this.wakeFd);
			}
		}
	}

	/**
	 * The loop's thread, marked by its class so that code it runs can tell cheaply.
	 */
	private static final class LoopThread extends Thread {

		LoopThread(Runnable loop, String name) {
			super(loop, name);
		}

	}

}
