package io.pipeio.autoconfigure;

import io.pipeio.actuate.PipeIoEndpoint;
import io.pipeio.actuate.PipeIoEndpointInvokerAdvisor;
import io.pipeio.actuate.PipeIoEndpointWebExtension;
import io.pipeio.core.PipeChannelRegistry;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code pipeio} actuator endpoint, of its web extension when
 * it is exposed over HTTP, and of the advisor that tells its operations who called them.
 *
 * @author pipe-io
 */
@AutoConfiguration(after = PipeIoAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(PipeChannelRegistry.class)
@ConditionalOnAvailableEndpoint(PipeIoEndpoint.class)
public final class PipeIoEndpointAutoConfiguration {

	PipeIoEndpointAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	PipeIoEndpoint pipeIoEndpoint(PipeChannelRegistry registry) {
		return new PipeIoEndpoint(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	static PipeIoEndpointInvokerAdvisor pipeIoEndpointInvokerAdvisor() {
		return new PipeIoEndpointInvokerAdvisor();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(endpoint = PipeIoEndpoint.class, exposure = EndpointExposure.WEB)
	PipeIoEndpointWebExtension pipeIoEndpointWebExtension(PipeIoEndpoint endpoint) {
		return new PipeIoEndpointWebExtension(endpoint);
	}

}
