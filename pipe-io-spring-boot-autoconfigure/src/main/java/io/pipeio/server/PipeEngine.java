package io.pipeio.server;

/**
 * How a {@link PipeServer} waits on its pipes.
 *
 * @author pipe-io
 */
public enum PipeEngine {

	/**
	 * The {@link #EVENT_LOOP event loop} where the native calls it needs ({@code epoll},
	 * Linux) are available, else {@link #THREADS}.
	 */
	AUTO("auto"),

	/**
	 * One thread for all channels waits on every pipe with {@code epoll}; lines are
	 * handled on a pool of worker threads, one chunk of a channel at a time, and replies
	 * are written by the thread that sends them while the pipe has room. An idle channel
	 * costs no thread and two file descriptors. Linux only.
	 */
	EVENT_LOOP("event-loop"),

	/**
	 * Two platform threads per channel, one blocked reading the <em>in</em> pipe, one
	 * writing the <em>out</em> pipe. Works wherever FIFOs do.
	 */
	THREADS("threads");

	private final String value;

	PipeEngine(String value) {
		this.value = value;
	}

	/**
	 * Return the configuration value of this engine, such as {@code event-loop}.
	 * @return the value
	 */
	public String value() {
		return this.value;
	}

}
