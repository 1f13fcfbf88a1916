package io.pipeio.core;

/**
 * How a request made with {@link PipeRequestOperations} ended: the {@link #tag() tag} is
 * the value of the {@code outcome} tag of the {@code pipeio.requests} timer.
 *
 * @author pipe-io
 */
public enum PipeRequestOutcome {

	/** The plug-in answered. */
	SUCCESS("success"),

	/** No answer came within the timeout; a late answer is discarded. */
	TIMEOUT("timeout"),

	/**
	 * The request could not be sent, its answer not converted, or the channel stopped.
	 */
	ERROR("error"),

	/** The plug-in at the other end exited or was restarted before it answered. */
	RESTARTED("restarted");

	private final String tag;

	PipeRequestOutcome(String tag) {
		this.tag = tag;
	}

	/**
	 * Return the metric tag value, such as {@code timeout}.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}
