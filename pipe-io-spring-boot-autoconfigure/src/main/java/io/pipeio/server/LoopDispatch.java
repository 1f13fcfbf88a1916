package io.pipeio.server;

/**
 * Decides, for one channel on the event loop engine, whether its chunks are handled on
 * the loop thread or on a worker, as its {@link DispatchMode} says. With
 * {@link DispatchMode#AUTO} it measures the chunks handled on workers and moves a fast
 * handler to the loop. It sends the channel back when a chunk blocked there, or a few in
 * a row or many in a window were slow, and measures again only after a pause that doubles
 * each time, so a handler that blocks now and then rarely holds up the loop; and when the
 * send queue filled, measuring again at once. The pause halves again for each stretch the
 * channel then holds on the loop as long as its last pause: a pause now and then that is
 * not the handler's (a long garbage collection, say) must not keep a fast handler off the
 * loop for good in a long-running application.
 * <p>
 * Only the thread handling the channel's chunk calls it (one at a time); the loop thread
 * reads {@link #isOnLoop()}.
 *
 * @author pipe-io
 */
final class LoopDispatch {

	/**
	 * Chunks measured before deciding; also the window in which slow chunks on the loop
	 * are counted.
	 */
	static final int WINDOW = 256;

	/**
	 * A chunk handled, replies included, in less than this per {@link #FAST_BYTES} read
	 * (and below half of {@link #SLOW_ON_LOOP_NANOS}) counts as fast; three in four must
	 * be fast for the loop.
	 */
	private static final long FAST_NANOS = 100_000;

	/**
	 * The bytes a chunk may carry per {@link #FAST_NANOS}: a large chunk of many fast
	 * lines (a client writing as fast as it can) takes longer than a small one without
	 * its handler being any slower per line.
	 */
	private static final int FAST_BYTES = 8 * 1024;

	/** A chunk that took longer than this on the loop counts as slow there. */
	private static final long SLOW_ON_LOOP_NANOS = 1_000_000;

	/**
	 * Slow chunks on the loop in a row that send the channel to workers: a listener that
	 * is slow every time leaves after a few milliseconds.
	 */
	private static final int SLOW_IN_A_ROW_TO_LEAVE = 3;

	/**
	 * Slow chunks on the loop, within a window, that send the channel to workers: a
	 * listener slow now and then leaves too. Far more than a busy machine makes slow: the
	 * loop thread is preempted for a few milliseconds now and then, so a few chunks of
	 * any window may be slow. A {@code String} echo server pinned to one busy CPU had
	 * three of a window slow that way often enough to spend most of its time on workers,
	 * paying a hand-off per chunk.
	 */
	private static final int SLOW_CHUNKS_TO_LEAVE = WINDOW / 8;

	/** A chunk that took longer than this on the loop blocked it. */
	private static final long BLOCKED_ON_LOOP_NANOS = 20_000_000;

	/** The longest pause before measuring again is this power of two windows. */
	private static final int MAX_BACKOFF_SHIFT = 16;

	private final DispatchMode mode;

	private volatile boolean onLoop;

	/**
	 * Chunks measured in the current window; below zero, chunks still to go before
	 * measuring again.
	 */
	private int measured;

	private int fast;

	private int demotions;

	private int loopChunks;

	private int slowLoopChunks;

	private int slowInARow;

	/**
	 * Chunks handled on the loop since the channel came to it, or since the pause last
	 * halved.
	 */
	private int heldOnLoop;

	LoopDispatch(DispatchMode mode) {
		this.mode = mode;
		this.onLoop = mode == DispatchMode.LOOP;
	}

	/**
	 * @return whether the loop thread handles the channel's chunks
	 */
	boolean isOnLoop() {
		return this.onLoop;
	}

	/**
	 * @return whether the chunks handled on workers are to be timed
	 */
	boolean isMeasuring() {
		if (this.mode != DispatchMode.AUTO || this.onLoop) {
			return false;
		}
		if (this.measured < 0) {
			this.measured++; // sent back from the loop lately: not measured yet
			return false;
		}
		return true;
	}

	/**
	 * A chunk was handled on a worker while {@link #isMeasuring()}.
	 * @param nanos how long it took
	 * @param bytes how many bytes it had
	 */
	void handledOnWorker(long nanos, int bytes) {
		if (isFast(nanos, bytes)) {
			this.fast++;
		}
		if (++this.measured == WINDOW) {
			// Most, not all: a busy machine preempts a fast handler now and then.
			this.onLoop = this.fast >= WINDOW / 4 * 3;
			this.measured = 0;
			this.fast = 0;
		}
	}

	static boolean isFast(long nanos, int bytes) {
		long allowed = FAST_NANOS * Math.max(1, (bytes + FAST_BYTES - 1) / FAST_BYTES);
		return nanos < Math.min(allowed, SLOW_ON_LOOP_NANOS / 2);
	}

	/**
	 * A chunk was handled on the loop.
	 * @param nanos how long it took
	 * @return whether the channel is to leave the loop: the chunk blocked it, or a few in
	 * a row were slow, or an eighth of a window (a slow one here and there is forgiven: a
	 * garbage collection pause or a busy machine makes any chunk slow now and then)
	 */
	boolean handledOnLoop(long nanos) {
		if (++this.loopChunks == WINDOW) {
			this.loopChunks = 0;
			this.slowLoopChunks = 0;
		}
		if (nanos > BLOCKED_ON_LOOP_NANOS) {
			return true;
		}
		if (nanos <= SLOW_ON_LOOP_NANOS) {
			this.slowInARow = 0;
		}
		else {
			this.slowLoopChunks++;
			if (++this.slowInARow >= SLOW_IN_A_ROW_TO_LEAVE || this.slowLoopChunks >= SLOW_CHUNKS_TO_LEAVE) {
				return true;
			}
		}
		if (this.demotions > 0 && ++this.heldOnLoop >= pause()) {
			this.demotions--;
			this.heldOnLoop = 0;
		}
		return false;
	}

	/**
	 * The pause at the current level: chunks handled on workers, unmeasured, after the
	 * channel was sent back from the loop.
	 */
	private int pause() {
		return WINDOW << this.demotions;
	}

	/**
	 * The channel leaves the loop; with {@link DispatchMode#LOOP} only for the rest of
	 * the current turn.
	 */
	void leaveLoop() {
		if (this.mode == DispatchMode.AUTO) {
			this.onLoop = false;
			this.demotions = Math.min(this.demotions + 1, MAX_BACKOFF_SHIFT);
			this.measured = -pause();
			this.fast = 0;
			forgetSlowChunks();
		}
	}

	/**
	 * The channel leaves the loop because its client does not keep up: the send queue is
	 * full. The listener was not slow, so no pause is added, which would keep a fast
	 * listener off the loop for ever longer each time a client falls behind for a moment.
	 * It is measured again on workers at once, where a chunk whose replies waited for
	 * room does not count as fast, and comes back once the client keeps up. With
	 * {@link DispatchMode#LOOP} it leaves only for the rest of the current turn.
	 */
	void leaveLoopForFullQueue() {
		if (this.mode == DispatchMode.AUTO) {
			this.onLoop = false;
			this.measured = 0;
			this.fast = 0;
			forgetSlowChunks();
		}
	}

	/**
	 * The slow chunks of a spell on the loop count no more once it leaves, nor does its
	 * length.
	 */
	private void forgetSlowChunks() {
		this.heldOnLoop = 0;
		this.loopChunks = 0;
		this.slowLoopChunks = 0;
		this.slowInARow = 0;
	}

}
