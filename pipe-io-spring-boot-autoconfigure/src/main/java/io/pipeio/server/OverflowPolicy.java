package io.pipeio.server;

/**
 * What a {@link PipeServer} does with a line that does not fit into its full send queue,
 * which happens when no client reads the <em>out</em> pipe fast enough. Every line that
 * is not queued is counted as dropped, reason {@link DropReason#QUEUE_FULL}.
 *
 * @author pipe-io
 */
public enum OverflowPolicy {

	/**
	 * Back-pressure: a reply sent through the handler's {@link ReplySink} while it
	 * handles a line waits for room without a time limit, so the channel stops reading
	 * its <em>in</em> pipe and clients' writes block in the kernel; nothing is lost. Any
	 * other send waits up to the send timeout, then fails with a
	 * {@link PipeSendException}. {@code stop()} ends every wait.
	 */
	BLOCK("block"),

	/** The line that does not fit is dropped at once; {@code send} returns normally. */
	DROP_NEWEST("drop-newest"),

	/**
	 * The oldest queued lines are dropped to make room; futures of dropped
	 * {@code sendAsync} lines complete exceptionally. A line that does not fit even into
	 * an empty queue (the writer still holds the lines it is writing) is dropped itself.
	 */
	DROP_OLDEST("drop-oldest"),

	/** The send throws a {@link PipeSendException} at once. */
	FAIL("fail");

	private final String value;

	OverflowPolicy(String value) {
		this.value = value;
	}

	/**
	 * Return the configuration value of this policy, such as {@code drop-newest}.
	 * @return the value
	 */
	public String value() {
		return this.value;
	}

}
