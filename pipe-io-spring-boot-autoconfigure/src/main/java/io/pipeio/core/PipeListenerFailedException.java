package io.pipeio.core;

import io.pipeio.server.DropReason;

/**
 * A line a listener could not handle: it could not be decoded or converted
 * ({@link DropReason#MALFORMED}), the listener threw ({@link DropReason#HANDLER_ERROR}),
 * or every client left before finishing it ({@link DropReason#INCOMPLETE}, the partial
 * line), or it was over the channel's max message size ({@link DropReason#TOO_LARGE}: it
 * was skipped unread, so the line is empty and the cause tells its size); or the
 * listener's reply to it did not fit into the full send queue with {@code overflow=fail}
 * ({@link DropReason#QUEUE_FULL}: the reply is what was dropped and counted, the line is
 * the request it answered). Given to the {@link PipeErrorHandler}.
 *
 * @author pipe-io
 */
public class PipeListenerFailedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String channel;

	private final DropReason reason;

	private final byte[] line;

	/**
	 * Create an exception.
	 * @param channel the channel
	 * @param reason {@link DropReason#MALFORMED}, {@link DropReason#HANDLER_ERROR},
	 * {@link DropReason#INCOMPLETE}, {@link DropReason#TOO_LARGE} or
	 * {@link DropReason#QUEUE_FULL}
	 * @param line the line
	 * @param cause what failed
	 */
	public PipeListenerFailedException(String channel, DropReason reason, byte[] line, Throwable cause) {
		super("Listener of channel '" + channel + "' failed (" + reason.tag() + "): " + cause, cause);
		this.channel = channel;
		this.reason = reason;
		this.line = line;
	}

	/**
	 * @return the channel
	 */
	public String getChannel() {
		return this.channel;
	}

	/**
	 * @return why the line was dropped
	 */
	public DropReason getReason() {
		return this.reason;
	}

	/**
	 * @return the line's bytes
	 */
	public byte[] getLine() {
		return this.line;
	}

}
