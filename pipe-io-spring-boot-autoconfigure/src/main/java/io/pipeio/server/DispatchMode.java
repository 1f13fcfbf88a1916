package io.pipeio.server;

/**
 * Which thread runs a channel's {@link LineHandler} on the {@link PipeEngine#EVENT_LOOP
 * event loop engine}; the thread engine always runs it on the channel's reader thread.
 *
 * @author pipe-io
 */
public enum DispatchMode {

	/**
	 * A worker thread at first; the event loop thread itself once the handler has been
	 * measured fast ({@value EventLoopReader#PROMOTE_AFTER} chunks handled in under 50 µs
	 * on average, replies included), which saves a thread wake-up per round trip; back to
	 * workers for good the first time a chunk takes over 2 ms on the loop.
	 */
	AUTO("auto"),

	/**
	 * Always the event loop thread: the fastest round trip, for a handler that never
	 * blocks (no I/O, no locks held long, no waiting for another channel). A handler that
	 * blocks holds up every channel of the loop meanwhile.
	 */
	LOOP("loop"),

	/** Always a worker thread: for handlers that may block. */
	WORKER("worker");

	private final String value;

	DispatchMode(String value) {
		this.value = value;
	}

	/**
	 * Return the configuration value of this mode, such as {@code worker}.
	 * @return the value
	 */
	public String value() {
		return this.value;
	}

}
