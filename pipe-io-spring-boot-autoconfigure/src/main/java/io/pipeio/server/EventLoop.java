package io.pipeio.server;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
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
 * whoever handled it re-arms it, so a channel that is paused or busy on a worker costs
 * the loop nothing. The in pipe of a channel whose chunks the loop thread handles is
 * armed edge-triggered instead ({@link #armEdgeTriggered}): the turn that emptied it
 * leaves it armed, which saves an {@code epoll_ctl} call per request in a ping-pong.
 * <p>
 * A handler that runs on the loop thread ({@link DispatchMode#AUTO},
 * {@link DispatchMode#LOOP}) and blocks there must not hold up the other channels for
 * long, nor wait for what only the loop delivers (a reply on another channel, room in its
 * own out pipe): the {@link PipeWatchdog} checks the loop a few times a second, and when
 * one handler has held it since the check before, a new thread takes over waiting for
 * events (and hands out what the held thread had pulled but not handed out yet). The held
 * thread ends once its handler returns; the channel's {@link LoopDispatch} then sends it
 * to workers.
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

	/** The thread that waits for events; another takes over from one a handler holds. */
	private volatile Thread thread;

	/** The name of the loop's threads. */
	private volatile String name;

	/** Every thread the loop started, for the group to join them. */
	private final Set<Thread> loopThreads = ConcurrentHashMap.newKeySet();

	/** Whether the loop thread moves on, for the watchdog's stall check. */
	private final LoopProgress progress = new LoopProgress();

	/** The events pulled last, handed out by whoever takes the next one. */
	private volatile @Nullable EventBatch batch;

	private final Runnable stallCheck = this::checkStall;

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
			this.wakeFd = PosixPoll.eventfd();
			Epoll.add(this.epfd, this.wakeFd, Epoll.EPOLLIN, WAKE_TOKEN);
		}
		catch (IOException | RuntimeException ex) {
			Posix.close(this.epfd);
			throw ex;
		}
		this.name = name;
		Thread first = newLoopThread();
		this.thread = first;
		first.start();
		PipeWatchdog.register(this.stallCheck);
	}

	private Thread newLoopThread() {
		LoopThread created = new LoopThread(this::run, this.name);
		created.setDaemon(true);
		this.loopThreads.add(created);
		return created;
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
	 * @param workerThreads the factory the channel chose for its handler's workers, as
	 * given to {@link EventLoopGroup#acquire(int, ThreadFactory)}
	 * @param timeoutMillis how long to wait for the threads to end
	 */
	void release(@Nullable ThreadFactory workerThreads, long timeoutMillis) {
		this.group.release(this, workerThreads, timeoutMillis);
	}

	/**
	 * @return whether the loop failed: it waits on nothing any more
	 */
	boolean failed() {
		return this.failure != null;
	}

	/**
	 * @return the number of the loop's {@code epoll} descriptor, owned and closed by the
	 * loop; for a test that makes {@code epoll_wait} fail for real
	 */
	int epollDescriptor() {
		return this.epfd;
	}

	/**
	 * @return the thread that waits for the loop's events now
	 */
	Thread thread() {
		return this.thread;
	}

	/**
	 * Rename the loop's thread, and any that takes over from it.
	 * @param name the new name
	 */
	synchronized void rename(String name) {
		this.name = name;
		this.thread.setName(name);
	}

	/**
	 * Make the loop end; its thread closes its descriptors once it left epoll_wait.
	 * @param timeoutMillis how long to wait for the watchdog's thread to end, should this
	 * loop have been the last thing it checks
	 */
	void stop(long timeoutMillis) {
		this.running = false;
		synchronized (this) {
			if (!this.closed) {
				PosixPoll.signal(this.wakeFd);
			}
		}
		PipeWatchdog.unregister(this.stallCheck, timeoutMillis);
	}

	/**
	 * Wait for every thread of the loop to end: the one waiting for events and any that a
	 * handler held when another took over.
	 * @param deadline {@link System#nanoTime()} to give up at
	 */
	void join(long deadline) throws InterruptedException {
		for (Thread loopThread : this.loopThreads) {
			loopThread.join(WorkerPool.remainingMillis(deadline));
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
	 * @param threadFactory a channel's {@link PipeServerSettings#getWorkerThreads()}
	 * @return the workers that run that channel's handler, as {@link #workers()} does
	 */
	Executor handlerWorkers(@Nullable ThreadFactory threadFactory) {
		return (threadFactory != null) ? this.group.workers(threadFactory) : this.workers;
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
		modify(fd, events | Epoll.EPOLLONESHOT, token);
	}

	/**
	 * Re-arm a registered descriptor, edge-triggered: it stays armed, and reports again
	 * when more comes. Only for a descriptor that whoever handles it reads until it is
	 * empty, or re-arms; and that may be reported while a handler is at it.
	 * @param fd the descriptor
	 * @param events what to wait for
	 * @param token the token of its handler
	 */
	synchronized void armEdgeTriggered(int fd, int events, long token) throws IOException {
		modify(fd, events | Epoll.EPOLLET, token);
	}

	/** Called with this loop's lock held, as every change to its epoll set is. */
	private void modify(int fd, int events, long token) throws IOException {
		checkRunning();
		if (!this.closed) {
			Epoll.modify(this.epfd, fd, events, token);
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
		catch (Throwable ex) {
			// the channel's reader or writer reported it (a checked exception that some
			// callback did not declare included)
		}
	}

	private void checkRunning() throws IOException {
		Throwable cause = this.failure;
		if (cause != null) {
			throw new IOException("The pipe-io event loop failed: " + cause, cause);
		}
	}

	private void run() {
		Thread self = Thread.currentThread();
		Memory events = Epoll.newEvents(MAX_EVENTS);
		boolean replaced = false;
		try {
			EventBatch left = this.batch;
			if (left != null) {
				handOut(left); // pulled by a thread a handler holds up
			}
			while (this.running) {
				this.progress.waiting();
				int ready = Epoll.await(this.epfd, events, MAX_EVENTS);
				this.progress.woke();
				EventBatch pulled = new EventBatch(events, ready);
				this.batch = pulled;
				handOut(pulled);
				if (this.thread != self) {
					// Taken over: the new thread may still be handing out of these
					// events, so they are not freed here (the garbage collector does it).
					replaced = true;
					return;
				}
			}
		}
		catch (IOException | RuntimeException | Error ex) {
			if (this.thread != self) {
				replaced = true;
				return;
			}
			// Nothing is waited on any more: every channel is told, each fails when it
			// next arms its descriptors, and the watchdog reports it.
			this.failure = ex;
			this.handlers.values().forEach((handler) -> tell(handler, Epoll.EPOLLERR));
		}
		finally {
			if (!replaced) {
				events.close();
				// Only now: closed while this thread waits in (or is about to enter)
				// epoll_wait, the number could name another loop's epoll by then.
				synchronized (this) {
					this.closed = true;
					Posix.close(this.epfd);
					Posix.close(this.wakeFd);
				}
			}
		}
	}

	private void handOut(EventBatch pulled) {
		for (int i = pulled.next(); i >= 0; i = pulled.next()) {
			long token = Epoll.token(pulled.events, i);
			if (token == WAKE_TOKEN) {
				continue; // a release: the loop condition decides
			}
			IntConsumer handler = this.handlers.get(token);
			if (handler != null) {
				this.progress.handingOut();
				tell(handler, Epoll.events(pulled.events, i));
			}
		}
	}

	/**
	 * On the watchdog's thread: when the loop thread neither waited for events nor handed
	 * one out since the check before, a handler blocks it, and a new thread takes over.
	 */
	private void checkStall() {
		if (!this.progress.stalled()) {
			return;
		}
		synchronized (this) {
			if (this.running && !this.closed) {
				// named before it starts: it checks whether it is still the loop's thread
				Thread next = newLoopThread();
				this.thread = next;
				next.start();
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
