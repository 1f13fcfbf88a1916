package io.pipeio.autoconfigure;

import io.pipeio.actuate.PipeIoEndpoint;
import io.pipeio.core.PipeChannelRegistry;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code pipeio} actuator endpoint.
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

}
