package io.pipeio.integration;

import java.util.function.Function;

import io.pipeio.converter.PipeMessageConverter;
import io.pipeio.core.PipeOperations;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.handler.AbstractMessageHandler;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandlingException;
import org.springframework.util.Assert;

/**
 * Writes each message as one line to a pipe-io channel: a {@code byte[]} payload as it
 * is, a {@code String} encoded with the channel charset, any other object converted to
 * one line (by the {@linkplain #setConverter converter} set here, else by the
 * application's converter: JSON when Jackson is present).
 * <p>
 * The channel is fixed, computed from the message, or by default the one named in the
 * {@link PipeIoHeaders#CHANNEL} header (so a flow can answer the channel a line came
 * from).
 * <p>
 * A line is queued as {@link PipeOperations#send} does, so the channel's overflow policy
 * applies when no client reads fast enough: with {@code block} the handler waits up to
 * the send timeout, with {@code drop-newest} or {@code drop-oldest} lines are dropped and
 * counted ({@code queue-full}), otherwise the message fails. A payload that contains a
 * newline fails with a {@link MessageHandlingException} and nothing is written: it would
 * become two lines and shift every answer after it.
 *
 * @author pipe-io
 */
public class PipeMessageHandler extends AbstractMessageHandler {

	private static final Function<Message<?>, @Nullable String> FROM_HEADER = (message) -> message.getHeaders()
		.get(PipeIoHeaders.CHANNEL, String.class);

	private final PipeOperations operations;

	private Function<Message<?>, @Nullable String> channel = FROM_HEADER;

	/** The one channel every message goes to, if set so. */
	private @Nullable String fixedChannel;

	private @Nullable PipeMessageConverter converter;

	/**
	 * Create a handler that writes to the channel named in the
	 * {@link PipeIoHeaders#CHANNEL} header.
	 * @param operations sends the lines (the application's {@code PipeTemplate})
	 */
	public PipeMessageHandler(PipeOperations operations) {
		Assert.notNull(operations, "'operations' must not be null");
		this.operations = operations;
	}

	/**
	 * Create a handler that writes to one channel.
	 * @param operations sends the lines (the application's {@code PipeTemplate})
	 * @param channel the channel name
	 */
	public PipeMessageHandler(PipeOperations operations, String channel) {
		this(operations);
		setChannel(channel);
	}

	/**
	 * Write every message to one channel.
	 * @param channel the channel name
	 */
	public void setChannel(String channel) {
		Assert.hasText(channel, "'channel' must not be empty");
		this.channel = (message) -> channel;
		this.fixedChannel = channel;
	}

	/**
	 * Return the one channel every message is written to.
	 * @return the channel name, or {@code null} if each message names its own (a header
	 * or a function)
	 */
	public @Nullable String getChannel() {
		return this.fixedChannel;
	}

	/**
	 * Compute the channel of each message.
	 * @param channelFunction returns the channel name of a message
	 */
	public void setChannelFunction(Function<Message<?>, @Nullable String> channelFunction) {
		Assert.notNull(channelFunction, "'channelFunction' must not be null");
		this.channel = channelFunction;
		this.fixedChannel = null;
	}

	/**
	 * Set the converter of payloads that are neither {@code byte[]} nor {@code String}.
	 * @param converter the converter, or {@code null} for the application's
	 */
	public void setConverter(@Nullable PipeMessageConverter converter) {
		this.converter = converter;
	}

	@Override
	public String getComponentType() {
		return "pipeio:outbound-channel-adapter";
	}

	@Override
	protected void handleMessageInternal(Message<?> message) {
		String target = this.channel.apply(message);
		if (target == null) {
			throw new MessageHandlingException(message, "No pipe-io channel for this message: set a channel on the"
					+ " adapter, or the header '" + PipeIoHeaders.CHANNEL + "' on the message");
		}
		Object payload = message.getPayload();
		if (payload instanceof String text) {
			checkOneLine(message, target, text.indexOf('\n'));
			this.operations.send(target, text);
			return;
		}
		byte[] line;
		PipeMessageConverter payloadConverter = this.converter;
		if (payload instanceof byte[] bytes) {
			line = bytes;
		}
		else if (payloadConverter != null) {
			line = payloadConverter.toLine(payload, this.operations.getCharset(target));
		}
		else {
			this.operations.convertAndSend(target, payload);
			return;
		}
		checkOneLine(message, target, indexOfNewline(line));
		this.operations.send(target, line);
	}

	private static void checkOneLine(Message<?> message, String channel, int newline) {
		if (newline >= 0) {
			throw new MessageHandlingException(message,
					"The payload for pipe-io channel '" + channel + "' contains a newline at index " + newline
							+ ", so it is not one line and was not written;"
							+ " split it into several messages (a splitter) or encode it (JSON escapes newlines)");
		}
	}

	private static int indexOfNewline(byte[] line) {
		for (int i = 0; i < line.length; i++) {
			if (line[i] == '\n') {
				return i;
			}
		}
		return -1;
	}

}
