package io.pipeio.integration.autoconfigure;

import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeOperations;
import io.pipeio.integration.dsl.PipeChannelAdapters;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.dsl.IntegrationFlow;

/**
 * Auto-configuration of the pipe-io Spring Integration adapters: a
 * {@link PipeChannelAdapters} bound to the application's channels, when Spring
 * Integration is on the classpath and pipe-io is enabled; and warnings at start-up of
 * flows that nothing runs and of outbound adapters whose channel does not exist.
 *
 * @author pipe-io
 */
@AutoConfiguration(after = PipeIoAutoConfiguration.class)
@ConditionalOnClass(IntegrationFlow.class)
@ConditionalOnBean({ PipeChannelRegistry.class, PipeOperations.class })
public final class PipeIoIntegrationAutoConfiguration {

	PipeIoIntegrationAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	PipeChannelAdapters pipeChannelAdapters(PipeChannelRegistry registry, PipeOperations operations) {
		return new PipeChannelAdapters(registry, operations);
	}

	@Bean
	UndeclaredOutboundChannelWarning pipeIoUndeclaredOutboundChannelWarning(PipeChannelRegistry registry) {
		return new UndeclaredOutboundChannelWarning(registry);
	}

	@Bean
	static IntegrationNotEnabledWarning pipeIoIntegrationNotEnabledWarning(ListableBeanFactory beanFactory) {
		return new IntegrationNotEnabledWarning(beanFactory);
	}

}
