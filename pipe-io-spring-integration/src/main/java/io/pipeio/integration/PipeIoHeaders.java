package io.pipeio.integration;

/**
 * The message headers of the pipe-io adapters.
 *
 * @author pipe-io
 */
public final class PipeIoHeaders {

	/**
	 * The channel a line came from (set by {@link PipeInboundChannelAdapter}); also the
	 * channel a {@link PipeMessageHandler} without a fixed channel writes to, so that a
	 * flow can answer the channel a message came from.
	 */
	public static final String CHANNEL = "pipeio_channel";

	/**
	 * When the adapter made the line a message, in milliseconds since the epoch (a
	 * {@code Long}, like Spring Integration's own timestamps, so that it survives any
	 * header mapper). Lines read together get their times one after the other, as the
	 * flow takes them.
	 */
	public static final String RECEIVED_AT = "pipeio_receivedAt";

	private PipeIoHeaders() {
	}

}
