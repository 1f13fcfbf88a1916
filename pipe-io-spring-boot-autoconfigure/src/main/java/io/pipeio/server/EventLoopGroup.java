package io.pipeio.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The event loops of the JVM and the {@link WorkerPool} they share: pipe-io's own, and
 * one more for each {@link PipeServerSettings#getWorkerThreads() thread factory} channels
 * chose for their handlers, kept while a channel that chose it runs. Shared by all the
 * channels that run on the event loop engine and reference-counted: it exists only while
 * one of them runs, and the last release ends every loop thread and joins the workers, so
 * no engine thread outlives the last stop.
 * <p>
 * A starting channel asks for a number of loops
 * ({@link PipeServerSettings#getEventLoops()}) and is placed, with every pipe it will
 * ever open, on the loop that has the fewest channels, so channels spread evenly. The
 * group has as many loops as the largest number asked for since it started: the first
 * channel sizes it, a later channel that asks for more adds loops, and one that asks for
 * fewer uses them all. It never shrinks while a channel runs; once the last channel
 * stopped, the next one sizes it anew. One loop's thread is named
 * {@code pipe-io-event-loop}; with more, they are {@code pipe-io-event-loop-1} to
 * {@code -N}.
 * <p>
 * A loop that failed takes no new channels: it is replaced by a fresh one, and the failed
 * loop ends with its last channel.
 *
 * @author pipe-io
 */
final class EventLoopGroup {

	private static final String THREAD_NAME = "pipe-io-event-loop";

	private static @Nullable EventLoopGroup shared;

	private final AtomicInteger workerNumber = new AtomicInteger();

	private final WorkerPool workers = new WorkerPool(null, this.workerNumber);

	/**
	 * The pools of the factories running channels chose; guarded by the class's lock. A
	 * pool goes with the last channel that holds it: a program that gives every channel
	 * it registers a factory of its own (a customizer that makes one per call) must not
	 * grow this for as long as any channel runs.
	 */
	private final Map<ThreadFactory, ChosenWorkers> chosenWorkers = new IdentityHashMap<>();

	/**
	 * Pools shut down as their last channel stopped, for the last release to join while a
	 * thread of theirs may still run a handler that a stop gave up on; guarded by the
	 * class's lock.
	 */
	private final List<WorkerPool> retiredWorkers = new ArrayList<>();

	/** The loops that take channels; guarded by the class's lock. */
	private final List<EventLoop> loops = new ArrayList<>();

	/** Failed loops that were replaced, for the last release to join. */
	private final List<EventLoop> replaced = new ArrayList<>();

	/** Guarded by the class's lock. */
	private int users;

	private EventLoopGroup() {
	}

	/**
	 * Place a starting channel on a loop, starting the group or more loops as needed, and
	 * hold the pool of the thread factory it chose until it releases the loop.
	 * @param count how many loops the channel asks for; at least 1
	 * @param threadFactory the channel's {@link PipeServerSettings#getWorkerThreads()}
	 * @return the loop; give it back with
	 * {@link #release(EventLoop, ThreadFactory, long)}
	 * @throws IOException if {@code epoll} is not available
	 */
	static synchronized EventLoop acquire(int count, @Nullable ThreadFactory threadFactory) throws IOException {
		EventLoopGroup group = shared;
		if (group == null) {
			group = new EventLoopGroup();
			shared = group;
		}
		try {
			EventLoop loop = group.leastUsed(count);
			loop.channels++;
			group.users++;
			if (threadFactory != null) {
				group.chosen(threadFactory).channels++;
			}
			return loop;
		}
		catch (IOException | RuntimeException ex) {
			if (group.users == 0) {
				shared = null;
				group.end(0);
			}
			throw ex;
		}
	}

	/**
	 * @return the number of loops of the running group, 0 if none runs
	 */
	static synchronized int size() {
		EventLoopGroup group = shared;
		return (group != null) ? group.loops.size() : 0;
	}

	/** Called with the class's lock held. */
	private EventLoop leastUsed(int count) throws IOException {
		for (int i = 0; i < this.loops.size(); i++) {
			if (this.loops.get(i).failed()) {
				this.replaced.add(this.loops.get(i));
				this.loops.set(i, newLoop(i, Math.max(count, this.loops.size())));
			}
		}
		while (this.loops.size() < count) {
			if (this.loops.size() == 1) {
				this.loops.get(0).rename(THREAD_NAME + "-1");
			}
			this.loops.add(newLoop(this.loops.size(), count));
		}
		return this.loops.stream().min(Comparator.comparingInt((loop) -> loop.channels)).orElseThrow();
	}

	private EventLoop newLoop(int index, int size) throws IOException {
		return new EventLoop(this, (size > 1) ? THREAD_NAME + "-" + (index + 1) : THREAD_NAME, this.workers.executor());
	}

	/**
	 * The workers that run a channel's handler.
	 * @param threadFactory the channel's {@link PipeServerSettings#getWorkerThreads()}
	 * @return the pool of that factory, held by the channel's
	 * {@link #acquire(int, ThreadFactory)}, or the group's own for {@code null}
	 */
	Executor workers(@Nullable ThreadFactory threadFactory) {
		if (threadFactory == null) {
			return this.workers.executor();
		}
		synchronized (EventLoopGroup.class) {
			ChosenWorkers chosen = this.chosenWorkers.get(threadFactory);
			// Absent only for a reader opened as its channel released the loop (a stop
			// racing the repair of a deleted pipe): its last turns run on pipe-io's own
			// workers rather than on a pool nobody would hold or end.
			return (chosen != null) ? chosen.pool.executor() : this.workers.executor();
		}
	}

	/** Called with the class's lock held. */
	private ChosenWorkers chosen(ThreadFactory threadFactory) {
		return this.chosenWorkers.computeIfAbsent(threadFactory,
				(key) -> new ChosenWorkers(new WorkerPool(key, this.workerNumber)));
	}

	/**
	 * @return the number of pools of factories that channels chose, in the running group
	 */
	static synchronized int chosenPools() {
		EventLoopGroup group = shared;
		return (group != null) ? group.chosenWorkers.size() : 0;
	}

	/**
	 * Give a channel's loop back, and the pool of the factory it chose: the last channel
	 * of a factory shuts its pool down (idle workers end at once, busy ones when their
	 * handler returns), the last release ends the group.
	 * @param loop the channel's loop
	 * @param threadFactory the factory given to {@link #acquire(int, ThreadFactory)}
	 * @param timeoutMillis how long to wait for the threads to end
	 */
	void release(EventLoop loop, @Nullable ThreadFactory threadFactory, long timeoutMillis) {
		synchronized (EventLoopGroup.class) {
			if (threadFactory != null) {
				letGo(threadFactory);
			}
			loop.channels--;
			if (--this.users > 0) {
				return;
			}
			if (shared == this) {
				shared = null;
			}
		}
		end(timeoutMillis);
	}

	/** Called with the class's lock held. */
	private void letGo(ThreadFactory threadFactory) {
		ChosenWorkers chosen = this.chosenWorkers.get(threadFactory);
		if (chosen != null && --chosen.channels <= 0) {
			this.chosenWorkers.remove(threadFactory);
			chosen.pool.shutdown();
			this.retiredWorkers.removeIf(WorkerPool::ended);
			this.retiredWorkers.add(chosen.pool);
		}
	}

	/** Called once nothing uses the group: no loop is added any more. */
	private void end(long timeoutMillis) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, timeoutMillis));
		List<EventLoop> all = new ArrayList<>(this.loops);
		all.addAll(this.replaced);
		all.forEach((loop) -> loop.stop(timeoutMillis));
		List<WorkerPool> pools = new ArrayList<>();
		pools.add(this.workers);
		synchronized (EventLoopGroup.class) {
			this.chosenWorkers.values().forEach((chosen) -> pools.add(chosen.pool));
			pools.addAll(this.retiredWorkers);
		}
		pools.forEach(WorkerPool::shutdown);
		try {
			for (EventLoop loop : all) {
				loop.join(deadline);
			}
			for (WorkerPool pool : pools) {
				pool.join(deadline);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The pool of a factory, and how many running channels hold it.
	 */
	private static final class ChosenWorkers {

		final WorkerPool pool;

		int channels;

		ChosenWorkers(WorkerPool pool) {
			this.pool = pool;
		}

	}

}
