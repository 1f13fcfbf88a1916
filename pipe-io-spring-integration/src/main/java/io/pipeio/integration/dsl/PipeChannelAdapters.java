package io.pipeio.integration.dsl;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeOperations;

import org.springframework.util.Assert;

/**
 * The {@link PipeIo} factory bound to the application's channels, so that a flow needs
 * one injection point: {@code IntegrationFlow.from(adapters.inbound("sensor"))}.
 * Auto-configured when Spring Integration is on the classpath.
 *
 * @author pipe-io
 */
public class PipeChannelAdapters {

	private final PipeChannelRegistry registry;

	private final PipeOperations operations;

	/**
	 * Create the factory.
	 * @param registry the application's channels
	 * @param operations the application's {@code PipeTemplate}
	 */
	public PipeChannelAdapters(PipeChannelRegistry registry, PipeOperations operations) {
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(operations, "'operations' must not be null");
		this.registry = registry;
		this.operations = operations;
	}

	/**
	 * Create the spec of an adapter that sends each line of a channel as a message.
	 * @param channel the channel name
	 * @return the spec
	 * @see PipeIo#inboundAdapter
	 */
	public PipeInboundChannelAdapterSpec inbound(String channel) {
		return PipeIo.inboundAdapter(this.registry, channel);
	}

	/**
	 * Create the spec of a handler that writes each message as a line to one channel.
	 * @param channel the channel name
	 * @return the spec
	 * @see PipeIo#outboundAdapter(PipeOperations, String)
	 */
	public PipeMessageHandlerSpec outbound(String channel) {
		return PipeIo.outboundAdapter(this.operations, channel);
	}

	/**
	 * Create the spec of a handler that writes each message to the channel of its
	 * {@link io.pipeio.integration.PipeIoHeaders#CHANNEL} header.
	 * @return the spec
	 * @see PipeIo#outboundAdapter(PipeOperations)
	 */
	public PipeMessageHandlerSpec outbound() {
		return PipeIo.outboundAdapter(this.operations);
	}

}
