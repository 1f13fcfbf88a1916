package io.pipeio.server;

/**
 * A line could not be queued for sending: the channel is not running, or its send queue
 * was full (typically because no client reads the out pipe) and its
 * {@link OverflowPolicy} fails the send.
 *
 * @author pipe-io
 */
public class PipeSendException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String channel;

	/**
	 * Create an exception.
	 * @param channel the channel name
	 * @param message the message, naming the channel
	 * @param cause the cause, if any
	 */
	PipeSendException(String channel, String message, Throwable cause) {
		super(message, cause);
		this.channel = channel;
	}

	/**
	 * Create an exception.
	 * @param channel the channel name
	 * @param message the message, naming the channel
	 */
	PipeSendException(String channel, String message) {
		super(message);
		this.channel = channel;
	}

	static PipeSendException notRunning(String channel, PipeServerState state) {
		return new PipeSendException(channel, "Channel '" + channel + "' is not running (" + state + ")");
	}

	static PipeSendException queueFull(PipeServerSettings settings) {
		String channel = settings.getChannel();
		String full = (settings.getOverflow() == OverflowPolicy.BLOCK) ? "stayed full for " + settings.getSendTimeout()
				: "is full (overflow " + settings.getOverflow().value() + ")";
		return new PipeSendException(channel,
				"Channel '" + channel + "': the send queue (" + settings.getSendQueueCapacity() + " lines, "
						+ settings.getSendQueueMaxBytes() + " bytes) " + full + "; is a client reading "
						+ settings.getOutPath() + "?");
	}

	/**
	 * @return the channel the line was for
	 */
	public String getChannel() {
		return this.channel;
	}

}
