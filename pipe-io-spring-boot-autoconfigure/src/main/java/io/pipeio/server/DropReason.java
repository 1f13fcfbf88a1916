package io.pipeio.server;

/**
 * Why a line was not delivered. The {@link #tag() tag} is the value of the {@code reason} tag of
 * the {@code pipeio.messages.dropped} metric.
 *
 * @author pipe-io
 */
public enum DropReason {

	/** An incoming line was longer than the channel's max message size. */
	TOO_LARGE("too-large"),

	/** An incoming line could not be decoded or converted. */
	MALFORMED("malformed"),

	/** An incoming line arrived on a channel that has no listener. */
	NO_LISTENER("no-listener"),

	/** An outgoing line did not fit into the send queue within the send timeout. */
	QUEUE_FULL("queue-full"),

	/** The handler of an incoming line threw an exception. */
	HANDLER_ERROR("handler-error");

	private final String tag;

	DropReason(String tag) {
		this.tag = tag;
	}

	/**
	 * Return the metric tag value of this reason, such as {@code too-large}.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}
