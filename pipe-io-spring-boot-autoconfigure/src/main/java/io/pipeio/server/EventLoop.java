package io.pipeio.server;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

import com.sun.jna.Memory;
import org.jspecify.annotations.Nullable;

/**
 * One thread that waits with {@code epoll} on the pipes of every channel that runs on the
 * event loop engine, and the pool of worker threads their handlers run on. Shared by all
 * such channels of the JVM and reference-counted: it exists only while one of them runs,
 * so no engine thread outlives the last stop.
 * <p>
 * Descriptors are registered {@code EPOLLONESHOT}: an event disarms its descriptor until
 * whoever handled it re-arms it, so a channel is never handled by two threads at once and
 * a channel that is paused or busy costs the loop nothing. The worker pool grows with the
 * channels that are busy at the same time, not with the channels that exist: idle workers
 * end after a while. It is not bounded, because a handler may wait for another channel (a
 * request to a plug-in waits for its reply), and a bounded pool whose every worker waits
 * so would never deliver the replies.
 *
 * @author pipe-io
 */
final class EventLoop {

	private static final int MAX_EVENTS = 256;

	private static final long IDLE_WORKER_SECONDS = 30;

	private static final long WAKE_TOKEN = 0;

	private static @Nullable EventLoop shared;

	/** Guarded by the class's lock. */
	private int users;

	private final int epfd;

	private final int wakeFd;

	private final Thread thread;

	private final ThreadPoolExecutor workers;

	/** The pool's threads, for a release to join them. */
	private final Set<Thread> workerThreads = ConcurrentHashMap.newKeySet();

	private final Map<Long, IntConsumer> handlers = new ConcurrentHashMap<>();

	private final AtomicLong tokens = new AtomicLong();

	private volatile boolean running = true;

	private volatile @Nullable Throwable failure;

	private boolean closed;

	private EventLoop() throws IOException {
		this.epfd = Epoll.create();
		try {
			this.wakeFd = Posix.eventfd();
			Epoll.add(this.epfd, this.wakeFd, Epoll.EPOLLIN, WAKE_TOKEN);
		}
		catch (IOException | RuntimeException ex) {
			Posix.close(this.epfd);
			throw ex;
		}
		AtomicInteger workerNumber = new AtomicInteger();
		this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_WORKER_SECONDS, TimeUnit.SECONDS,
				new SynchronousQueue<>(), (task) -> {
					Thread worker = new Thread(task, "pipe-io-worker-" + workerNumber.incrementAndGet());
					worker.setDaemon(true);
					this.workerThreads.removeIf((thread) -> !thread.isAlive());
					this.workerThreads.add(worker);
					return worker;
				});
		this.thread = new LoopThread(this::run);
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
	 * Take the shared loop, starting it if no channel uses it yet.
	 * @return the loop; give it back with {@link #release(long)}
	 * @throws IOException if {@code epoll} is not available
	 */
	static synchronized EventLoop acquire() throws IOException {
		EventLoop loop = shared;
		if (loop == null || loop.failure != null) {
			// a failed loop ends with its last user; new channels get a new one
			loop = new EventLoop();
			shared = loop;
		}
		loop.users++;
		return loop;
	}

	/**
	 * Give the loop back; the last user's release ends its thread and its idle workers.
	 * Workers still running a handler that a stop gave up on end when it returns.
	 * @param timeoutMillis how long to wait for the loop thread to end
	 */
	void release(long timeoutMillis) {
		synchronized (EventLoop.class) {
			if (--this.users > 0) {
				return;
			}
			if (shared == this) {
				shared = null;
			}
		}
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, timeoutMillis));
		this.running = false;
		synchronized (this) {
			// the loop closes its descriptors itself once it left epoll_wait
			if (!this.closed) {
				Posix.signal(this.wakeFd);
			}
		}
		this.workers.shutdown();
		try {
			this.thread.join(remainingMillis(deadline));
			// Joined, not awaited: a pool reports termination while its threads may
			// still be alive.
			for (Thread worker : this.workerThreads) {
				worker.join(remainingMillis(deadline));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static long remainingMillis(long deadline) {
		return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
	}

	/**
	 * @return the worker pool; a task given to it once the loop is released runs on the
	 * caller's thread
	 */
	Executor workers() {
		return (task) -> {
			try {
				this.workers.execute(task);
			}
			catch (RejectedExecutionException ex) {
				// Released: what is left (a stop's drain, a last write) runs on the
				// caller, except on the loop thread, which is ending.
				if (!isLoopThread()) {
					task.run();
				}
			}
		};
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

		LoopThread(Runnable loop) {
			super(loop, "pipe-io-event-loop");
		}

	}

}
