package io.pipeio.server;

import org.jspecify.annotations.Nullable;

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

	private final @Nullable DropReason dropReason;

	/**
	 * Create an exception.
	 * @param channel the channel name
	 * @param message the message, naming the channel
	 * @param cause the cause, if any
	 */
	public PipeSendException(String channel, String message, Throwable cause) {
		super(message, cause);
		this.channel = channel;
		this.dropReason = null;
	}

	/**
	 * Create an exception.
	 * @param channel the channel name
	 * @param message the message, naming the channel
	 */
	public PipeSendException(String channel, String message) {
		this(channel, message, (DropReason) null);
	}

	private PipeSendException(String channel, String message, @Nullable DropReason dropReason) {
		super(message);
		this.channel = channel;
		this.dropReason = dropReason;
	}

	static PipeSendException notRunning(String channel, PipeServerState state) {
		return new PipeSendException(channel, "Channel '" + channel + "' is not running (" + state + ")");
	}

	static PipeSendException queueFull(PipeServerSettings settings) {
		String channel = settings.getChannel();
		String full = (settings.getOverflow() == OverflowPolicy.BLOCK)
				? "stayed full for " + Durations.format(settings.getSendTimeout())
				: "is full (overflow " + settings.getOverflow().value() + ")";
		return new PipeSendException(channel,
				"Channel '" + channel + "': the send queue (" + settings.getSendQueueCapacity() + " lines, "
						+ DataSizes.format(settings.getSendQueueMaxBytes()) + ") " + full + "; is a client reading "
						+ settings.getOutPath() + "?",
				DropReason.QUEUE_FULL);
	}

	/**
	 * @return the channel the line was for
	 */
	public String getChannel() {
		return this.channel;
	}

	/**
	 * Return the reason the engine counted the line as dropped under, if it did: a line
	 * the full send queue refused is counted ({@code pipeio.messages.dropped}, reason
	 * {@code queue-full}) and handed to {@link PipeServerListener#onLineDropped} before
	 * this is thrown, so whoever catches it must not count it again. A line refused
	 * because the channel is not running, or a send that was interrupted, was not taken:
	 * it is still the sender's, and not counted.
	 * @return the reason it was counted under, or {@code null} if it was not counted
	 */
	public @Nullable DropReason getDropReason() {
		return this.dropReason;
	}

	/**
	 * Find, in a failure and its causes, the refusal of a line sent on a channel that was
	 * counted as dropped when it was refused: a listener (or a flow) whose reply to the
	 * channel's own line was refused lost a reply, which must not be counted again as a
	 * failed line.
	 * @param failure what a listener or flow failed with
	 * @param channel the channel
	 * @return the counted refusal, or {@code null} if there is none
	 */
	public static @Nullable PipeSendException findCountedRefusal(Throwable failure, String channel) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof PipeSendException refused && refused.dropReason != null
					&& channel.equals(refused.channel)) {
				return refused;
			}
		}
		return null;
	}

}
