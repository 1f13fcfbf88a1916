package io.pipeio.integration.dsl;

import java.util.function.Function;

import io.pipeio.converter.PipeMessageConverter;
import io.pipeio.core.PipeOperations;
import io.pipeio.integration.PipeMessageHandler;

import org.springframework.integration.dsl.MessageHandlerSpec;
import org.springframework.messaging.Message;

/**
 * Configures a {@link PipeMessageHandler}; created by {@link PipeIo#outboundAdapter}.
 *
 * @author pipe-io
 */
public class PipeMessageHandlerSpec extends MessageHandlerSpec<PipeMessageHandlerSpec, PipeMessageHandler> {

	PipeMessageHandlerSpec(PipeOperations operations) {
		this.target = new PipeMessageHandler(operations);
	}

	/**
	 * Write every message to one channel.
	 * @param channel the channel name
	 * @return the spec
	 */
	public PipeMessageHandlerSpec channel(String channel) {
		this.target.setChannel(channel);
		return this;
	}

	/**
	 * Compute the channel of each message, such as
	 * {@code .channel(m -> "sensor-" + m.getHeaders().get("site"))}.
	 * @param <P> the payload type
	 * @param channelFunction returns the channel name of a message
	 * @return the spec
	 */
	@SuppressWarnings("unchecked")
	public <P> PipeMessageHandlerSpec channel(Function<Message<P>, String> channelFunction) {
		this.target.setChannelFunction((message) -> channelFunction.apply((Message<P>) message));
		return this;
	}

	/**
	 * Set the converter of payloads that are neither {@code byte[]} nor {@code String}.
	 * @param converter the converter
	 * @return the spec
	 */
	public PipeMessageHandlerSpec converter(PipeMessageConverter converter) {
		this.target.setConverter(converter);
		return this;
	}

}
