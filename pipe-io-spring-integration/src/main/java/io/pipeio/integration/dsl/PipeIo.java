package io.pipeio.integration.dsl;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeOperations;

/**
 * Factory of the pipe-io adapters for the Spring Integration Java DSL, in the style of
 * its {@code Kafka} and {@code Files} factories: <pre class="code">
 * IntegrationFlow.from(PipeIo.inboundAdapter(registry, "sensor"))
 *     .transform(...)
 *     .handle(PipeIo.outboundAdapter(template, "commands"))
 *     .get();
 * </pre>
 *
 * @author pipe-io
 */
public final class PipeIo {

	private PipeIo() {
	}

	/**
	 * Create the spec of an adapter that sends each line of a channel as a message.
	 * @param registry the application's channels
	 * @param channel the channel name
	 * @return the spec
	 */
	public static PipeInboundChannelAdapterSpec inboundAdapter(PipeChannelRegistry registry, String channel) {
		return new PipeInboundChannelAdapterSpec(registry, channel);
	}

	/**
	 * Create the spec of a handler that writes each message as a line to one channel.
	 * @param operations the application's {@code PipeTemplate}
	 * @param channel the channel name
	 * @return the spec
	 */
	public static PipeMessageHandlerSpec outboundAdapter(PipeOperations operations, String channel) {
		return new PipeMessageHandlerSpec(operations).channel(channel);
	}

	/**
	 * Create the spec of a handler that writes each message as a line to the channel
	 * named in its {@link io.pipeio.integration.PipeIoHeaders#CHANNEL} header, unless the
	 * spec says otherwise.
	 * @param operations the application's {@code PipeTemplate}
	 * @return the spec
	 */
	public static PipeMessageHandlerSpec outboundAdapter(PipeOperations operations) {
		return new PipeMessageHandlerSpec(operations);
	}

}
