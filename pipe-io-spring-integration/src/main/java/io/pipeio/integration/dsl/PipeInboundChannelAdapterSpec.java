package io.pipeio.integration.dsl;

import java.util.Collections;
import java.util.Map;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.integration.PipeInboundChannelAdapter;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.dsl.ComponentsRegistration;
import org.springframework.integration.dsl.MessageProducerSpec;

/**
 * Configures a {@link PipeInboundChannelAdapter}; created by
 * {@link PipeIo#inboundAdapter}.
 *
 * @author pipe-io
 */
public class PipeInboundChannelAdapterSpec
		extends MessageProducerSpec<PipeInboundChannelAdapterSpec, PipeInboundChannelAdapter>
		implements ComponentsRegistration {

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

	/**
	 * Return the adapter itself, so that a flow starting from this spec registers it
	 * before any other of its beans (its output channel would come first otherwise). The
	 * adapter attaches to its channel as it is initialized; when that fails, such as for
	 * a second consumer of the channel, nothing of a flow registered at runtime is left
	 * registered, and the same flow can be registered again under its id.
	 * @return the adapter
	 */
	@Override
	public Map<Object, @Nullable String> getComponentsToRegister() {
		return Collections.singletonMap(this.target, null);
	}

}
