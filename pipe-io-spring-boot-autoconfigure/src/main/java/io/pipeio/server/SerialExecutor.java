package io.pipeio.server;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the tasks given to it one at a time, in order, on a shared pool: what keeps a
 * channel's lines in order and its handler called by one thread at a time on the event
 * loop engine, while the pool's threads serve every channel.
 *
 * @author pipe-io
 */
final class SerialExecutor implements Executor {

	private final Executor pool;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	SerialExecutor(Executor pool) {
		this.pool = pool;
	}

	@Override
	public void execute(Runnable task) {
		this.tasks.add(task);
		schedule();
	}

	/**
	 * Run a task on the calling thread if no task runs or waits, else do nothing.
	 * @param task the task
	 * @return whether it ran
	 */
	boolean runHereIfIdle(Runnable task) {
		if (!this.tasks.isEmpty() || !this.scheduled.compareAndSet(false, true)) {
			return false;
		}
		try {
			task.run();
		}
		finally {
			this.scheduled.set(false);
			// what the task or others gave meanwhile runs on the pool, not here
			if (!this.tasks.isEmpty()) {
				schedule();
			}
		}
		return true;
	}

	private void schedule() {
		if (this.scheduled.compareAndSet(false, true)) {
			this.pool.execute(this::runAll);
		}
	}

	private void runAll() {
		try {
			Runnable task;
			while ((task = this.tasks.poll()) != null) {
				task.run();
			}
		}
		finally {
			this.scheduled.set(false);
			// a task given while the last one ended would otherwise wait for the next
			if (!this.tasks.isEmpty()) {
				schedule();
			}
		}
	}

}
