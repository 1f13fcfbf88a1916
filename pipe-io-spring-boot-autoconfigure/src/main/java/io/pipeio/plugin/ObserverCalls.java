package io.pipeio.plugin;

import java.util.ArrayDeque;
import java.util.Queue;

import org.jspecify.annotations.Nullable;

/**
 * The calls a {@link PluginSupervisor} makes to its observer, queued under its lock and
 * made once the lock is given back, in order, by one thread at a time: an observer that
 * waits for the plug-in's channel (an application's listener that stops it, say) must not
 * hold the supervisor's lock while a stop of that channel, holding the channel's lock,
 * waits for the supervisor's. A thread that finds another one making the calls leaves its
 * own to that one.
 *
 * @author pipe-io
 */
final class ObserverCalls {

	/** Calls not made yet, oldest first; guarded by {@code this}. */
	private final Queue<Runnable> untold = new ArrayDeque<>();

	/** The thread making the calls, if any; guarded by {@code this}. */
	private @Nullable Thread teller;

	synchronized void queue(Runnable call) {
		this.untold.add(call);
	}

	synchronized boolean isTeller(Thread thread) {
		return this.teller == thread;
	}

	/**
	 * Make the queued calls, unless the calling thread still holds the supervisor's lock
	 * (the outermost holder makes them) or another thread is making them. An observer's
	 * runtime exception reaches the caller once the other calls are made.
	 * @param supervisor whose lock must be given back first
	 */
	void tellPending(PluginSupervisor supervisor) {
		synchronized (this) {
			if (Thread.holdsLock(supervisor) || this.teller != null || this.untold.isEmpty()) {
				return;
			}
			this.teller = Thread.currentThread();
		}
		@Nullable RuntimeException failure = null;
		try {
			Runnable next;
			while ((next = next()) != null) {
				try {
					next.run();
				}
				catch (RuntimeException ex) {
					if (failure == null) {
						failure = ex;
					}
					else {
						failure.addSuppressed(ex);
					}
				}
			}
		}
		finally {
			// after an Error too: the calls left are made by the next thread that tells
			synchronized (this) {
				this.teller = null;
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	private synchronized @Nullable Runnable next() {
		return this.untold.poll();
	}

}
