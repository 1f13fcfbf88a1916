package io.pipeio.integration.dsl;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.integration.PipeInboundChannelAdapter;

import org.springframework.integration.dsl.MessageProducerSpec;

/**
 * Configures a {@link PipeInboundChannelAdapter}; created by
 * {@link PipeIo#inboundAdapter}.
 *
 * @author pipe-io
 */
public class PipeInboundChannelAdapterSpec
		extends MessageProducerSpec<PipeInboundChannelAdapterSpec, PipeInboundChannelAdapter> {

	PipeInboundChannelAdapterSpec(PipeChannelRegistry registry, String channel) {
		super(new PipeInboundChannelAdapter(registry, channel));
	}

	/**
	 * Set the payload type.
	 * @param payloadType {@code String.class} (the default) or {@code byte[].class}
	 * @return the spec
	 * @see PipeInboundChannelAdapter#setPayloadType(Class)
	 */
	public PipeInboundChannelAdapterSpec payloadType(Class<?> payloadType) {
		this.target.setPayloadType(payloadType);
		return this;
	}

	/**
	 * Set the handler of the lines the flow fails on, instead of the channel's default.
	 * @param errorHandler the handler
	 * @return the spec
	 */
	public PipeInboundChannelAdapterSpec pipeErrorHandler(PipeErrorHandler errorHandler) {
		this.target.setPipeErrorHandler(errorHandler);
		return this;
	}

}
