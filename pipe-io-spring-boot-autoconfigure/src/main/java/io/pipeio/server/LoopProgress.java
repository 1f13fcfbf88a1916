package io.pipeio.server;

/**
 * What the {@link PipeWatchdog} needs to tell that a handler holds an {@link EventLoop}'s
 * thread: whether the thread waits for events, and whether it moved on (woke up, or
 * handed out an event) since the watchdog's check before. A thread that does neither
 * between two checks is stalled, and another takes over from it.
 *
 * @author pipe-io
 */
final class LoopProgress {

	/**
	 * Whether the loop thread waits in {@code epoll_wait}: never stalled, however long.
	 */
	private volatile boolean waiting;

	/**
	 * Moves on with every wake-up and every event handed out. Two threads may add to it
	 * at once after a take-over: a lost increment does not matter, it is only compared.
	 */
	private volatile long progress;

	/** The progress the watchdog saw last; only its thread uses it. */
	private long seen = -1;

	/** The loop thread is about to wait for events. */
	void waiting() {
		this.waiting = true;
	}

	/** The loop thread woke up. */
	void woke() {
		// progress first: the watchdog must never see neither
		this.progress++;
		this.waiting = false;
	}

	/** The loop thread is about to hand out an event. */
	void handingOut() {
		this.progress++;
	}

	/**
	 * On the watchdog's thread: tell whether the loop thread neither waited nor moved on
	 * since the check before. A stalled answer starts afresh: the thread that takes over
	 * gets a whole round before it is checked.
	 * @return whether it is stalled
	 */
	boolean stalled() {
		long now = this.progress;
		if (this.waiting || now != this.seen) {
			this.seen = now;
			return false;
		}
		this.seen = -1;
		return true;
	}

}
