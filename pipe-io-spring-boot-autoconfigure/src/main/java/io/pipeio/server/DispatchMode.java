package io.pipeio.server;

/**
 * Which thread runs a channel's {@link LineHandler} on the {@link PipeEngine#EVENT_LOOP
 * event loop engine}; the thread engine always runs it on the channel's reader thread.
 *
 * @author pipe-io
 */
public enum DispatchMode {

	/**
	 * The default: whichever is faster, a worker thread at first; the event loop thread
	 * itself once the handler has been measured fast (three in four of 256 chunks handled
	 * in under 100 µs per 8 KiB read, at most 500 µs, replies included), which saves a
	 * thread wake-up per round trip. Back to workers once a chunk takes over 20 ms on the
	 * loop, or three in a row or 32 of 256 take over 1 ms, and measured again after 512
	 * chunks, twice as many each time it is sent back and half as many each time it then
	 * held on the loop as long as its last pause; also when the send queue is full (a
	 * client that does not keep up; the loop never waits, so the replies to that one
	 * chunk may overrun the queue's bounds), but then measured again at once. A handler
	 * that blocks on the loop (or waits for a pipe, which only the loop delivers) holds
	 * up the other channels until the engine's watchdog lets a new thread wait for
	 * events, within 200–400 ms.
	 */
	AUTO("auto"),

	/**
	 * Always the event loop thread while the send queue has room: the fastest round trip,
	 * for a handler that never blocks (no I/O, no locks held long, no waiting for another
	 * channel); a handler that blocks holds up every channel of the loop until the
	 * engine's watchdog lets a new thread wait for events, within 200–400 ms, and does so
	 * again each time it blocks. The loop never waits for room: a chunk whose replies
	 * fill the queue overruns its bounds, and the channel goes on on a worker until the
	 * queue has room.
	 */
	LOOP("loop"),

	/**
	 * Always a worker thread: right for any handler, one that blocks or waits for another
	 * channel (a request to a plug-in) or for its own sends included, at the cost of a
	 * thread hand-off per chunk. For a handler known to block often, where {@link #AUTO}
	 * would be tried on the loop now and then.
	 */
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
