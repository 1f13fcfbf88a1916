package io.pipeio.server;

import org.jspecify.annotations.Nullable;

/**
 * Decides when the replies a reader collects while dispatching a chunk go to the writer.
 * For fast handlers, once at the end of the chunk: one hand-off and one writer wake-up
 * for a whole chunk of lines. For slow handlers, after every line, so a reply never waits
 * for the handler to finish the lines behind it. Which one applies is measured on the
 * way: the clock is read once per {@value #CHECK_INTERVAL} lines (reading it per line
 * would cost a fast handler as much as the batching saves), and a handler averaging over
 * 3 µs a line counts as slow.
 *
 * @author pipe-io
 */
final class ReplyBatching {

	/** Lines between two clock readings; a power of two. */
	static final int CHECK_INTERVAL = 32;

	/** Time for {@link #CHECK_INTERVAL} lines above which the handler counts as slow. */
	private static final long SLOW_NANOS = 100_000;

	private @Nullable SendBatch batch;

	private int lines;

	private long lastCheck;

	/**
	 * Starts true: until measured, a handler is assumed slow and its replies are not
	 * held.
	 */
	private boolean slow = true;

	/**
	 * Start collecting the replies of a chunk.
	 * @param sendQueue the queue, or {@code null} when the server is not running
	 */
	void begin(@Nullable SendQueue sendQueue) {
		SendBatch started = (sendQueue != null) ? sendQueue.batch() : null;
		this.batch = started;
		if (started != null) {
			started.begin();
			this.lines = 0;
			this.lastCheck = System.nanoTime();
		}
	}

	/** Called after each line's handler returned. */
	void afterLine() {
		SendBatch current = this.batch;
		if (current == null) {
			return;
		}
		if ((++this.lines & (CHECK_INTERVAL - 1)) == 0) {
			long now = System.nanoTime();
			this.slow = now - this.lastCheck > SLOW_NANOS;
			this.lastCheck = now;
		}
		if (this.slow) {
			current.flush();
		}
	}

	/** Hand over what is left at the end of the chunk. */
	void end() {
		SendBatch current = this.batch;
		if (current != null) {
			this.batch = null;
			current.end();
		}
	}

}
