package io.pipeio.server;

import org.jspecify.annotations.Nullable;

/**
 * The thread running a channel's turn on the event loop engine, if any: a shared worker
 * (or the loop thread), which a stop may have to interrupt or mark as abandoned, and
 * which must leave the turn as it found it to serve other channels.
 *
 * @author pipe-io
 */
final class TurnThread {

	private final Object lock = new Object();

	private volatile @Nullable Thread thread;

	/**
	 * The calling thread starts a turn.
	 * @return its name, for {@link #exit(String)}
	 */
	String enter() {
		Thread self = Thread.currentThread();
		synchronized (this.lock) {
			this.thread = self;
			// left by another channel's handler: not this channel's stop
			Thread.interrupted();
		}
		return self.getName();
	}

	/**
	 * The calling thread ends its turn.
	 * @param name its name when it entered
	 */
	void exit(String name) {
		Thread self = Thread.currentThread();
		synchronized (this.lock) {
			this.thread = null;
			// an interrupt meant for this channel's handler must not reach the next
			Thread.interrupted();
		}
		if (!name.equals(self.getName())) {
			self.setName(name); // renamed by markAbandoned(): it serves others again
		}
	}

	/**
	 * @return whether the calling thread runs the turn
	 */
	boolean isCurrent() {
		return Thread.currentThread() == this.thread;
	}

	/** Interrupt the turn's thread, only while it still runs this channel's turn. */
	void interrupt() {
		synchronized (this.lock) {
			Thread current = this.thread;
			if (current != null) {
				current.interrupt();
			}
		}
	}

	/**
	 * Mark the turn's thread, stuck in a handler a stop gave up on, in its name, for
	 * thread dumps and messages.
	 */
	void markAbandoned() {
		Thread current = this.thread;
		if (current != null) {
			current.setName(current.getName() + "-abandoned");
		}
	}

}
