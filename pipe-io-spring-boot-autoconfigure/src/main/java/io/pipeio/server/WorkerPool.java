package io.pipeio.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The worker threads ({@code pipe-io-worker-N}) that the handlers of every channel on the
 * event loop engine run on, one pool for all the loops of an {@link EventLoopGroup}. It
 * grows with the channels that are busy at the same time, not with the channels that
 * exist: idle workers end after a while. It is not bounded, because a handler may wait
 * for another channel (a request to a plug-in waits for its reply), and a bounded pool
 * whose every worker waits so would never deliver the replies. Its threads are pipe-io's
 * own platform threads, or made by a {@link PipeServerSettings#getWorkerThreads() factory
 * the channels chose}, such as one of virtual threads.
 *
 * @author pipe-io
 */
final class WorkerPool {

	private static final Log logger = LogFactory.getLog(WorkerPool.class);

	private static final long IDLE_WORKER_SECONDS = 30;

	private final ThreadPoolExecutor workers;

	/** The pool's threads, for {@link #join(long)}. */
	private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

	private final Executor executor = this::execute;

	/** Whether the factory's failure was logged: racy, so at worst logged twice. */
	private volatile boolean factoryFailed;

	/**
	 * A pool of workers.
	 * @param threadFactory where its threads come from, {@code null} for platform threads
	 * @param workerNumber numbers the threads' names, shared by the pools of a group
	 */
	WorkerPool(@Nullable ThreadFactory threadFactory, AtomicInteger workerNumber) {
		this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_WORKER_SECONDS, TimeUnit.SECONDS,
				new SynchronousQueue<>(), (task) -> {
					String name = "pipe-io-worker-" + workerNumber.incrementAndGet();
					Thread worker = newThread(threadFactory, task);
					worker.setName(name);
					worker.setDaemon(true);
					this.threads.removeIf((thread) -> !thread.isAlive());
					this.threads.add(worker);
					return worker;
				});
	}

	private Thread newThread(@Nullable ThreadFactory threadFactory, Runnable task) {
		if (threadFactory != null) {
			try {
				Thread made = threadFactory.newThread(task);
				if (made != null) {
					return made;
				}
			}
			catch (Exception ex) {
				// a checked one too, that a factory did not declare (a Kotlin one)
				if (!this.factoryFailed) {
					this.factoryFailed = true; // once: it is asked again for every new
												// worker
					logger.warn("The worker thread factory " + threadFactory + " failed; using platform threads", ex);
				}
			}
		}
		// A factory that refuses (null, or an exception) still leaves the channel a
		// thread to run its handler on, and the loop that asked for it running.
		return new Thread(task);
	}

	/**
	 * @return the pool; a task given to it once it is shut down runs on the caller's
	 * thread
	 */
	Executor executor() {
		return this.executor;
	}

	private void execute(Runnable task) {
		try {
			this.workers.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Shut down: what is left (a stop's drain, a last write) runs on the caller,
			// except on a loop thread, which is ending.
			if (!EventLoop.isLoopThread()) {
				task.run();
			}
			else {
				// A loop thread a handler held past the last stop: the loop is gone, but
				// what it hands over (a stop's drain, the release of a descriptor) must
				// run.
				Thread late = new Thread(task, "pipe-io-worker-late");
				late.setDaemon(true);
				late.start();
			}
		}
	}

	/** Take no more tasks; idle workers end, busy ones when their task returns. */
	void shutdown() {
		this.workers.shutdown();
	}

	/**
	 * Wait for the workers to end, once {@link #shutdown()}: joined, not awaited, as a
	 * pool reports termination while its threads may still be alive.
	 * @param deadline the {@link System#nanoTime()} to give up at
	 */
	void join(long deadline) throws InterruptedException {
		for (Thread worker : this.threads) {
			worker.join(remainingMillis(deadline));
		}
	}

	/**
	 * @return whether the pool was shut down and every thread of it ended
	 */
	boolean ended() {
		return this.workers.isShutdown() && this.threads.stream().noneMatch(Thread::isAlive);
	}

	static long remainingMillis(long deadline) {
		return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
	}

}
