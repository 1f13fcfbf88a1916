package io.pipeio.server;

/**
 * Which thread runs a channel's {@link LineHandler} on the {@link PipeEngine#EVENT_LOOP
 * event loop engine}; the thread engine always runs it on the channel's reader thread.
 *
 * @author pipe-io
 */
public enum DispatchMode {

	/**
	 * For listeners that do not wait for a pipe, whichever is faster: a worker thread at
	 * first; the event loop thread itself once the handler has been measured fast (three
	 * in four of 256 chunks handled in under 100 µs, replies included), which saves a
	 * thread wake-up per round trip. Back to workers once a chunk takes over 20 ms on the
	 * loop, three of 256 take over 1 ms, or the send queue is full (a client that does
	 * not keep up; the loop never waits, so the replies to that one chunk may overrun the
	 * queue's bounds); measured again after 512 chunks, twice as many each time it is
	 * sent back.
	 */
	AUTO("auto"),

	/**
	 * Always the event loop thread while the send queue has room: the fastest round trip,
	 * for a handler that never blocks (no I/O, no locks held long, no waiting for another
	 * channel); a handler that blocks holds up every channel of the loop meanwhile. The
	 * loop never waits for room: a chunk whose replies fill the queue overruns its
	 * bounds, and the channel goes on on a worker until the queue has room.
	 */
	LOOP("loop"),

	/**
	 * Always a worker thread, the default: right for any handler, one that blocks or
	 * waits for another channel (a request to a plug-in) or for its own sends included. A
	 * handler on the loop thread must do neither, as only the loop delivers what it would
	 * wait for.
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
