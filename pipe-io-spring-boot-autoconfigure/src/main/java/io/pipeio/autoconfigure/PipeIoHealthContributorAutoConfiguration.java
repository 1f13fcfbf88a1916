package io.pipeio.autoconfigure;

import io.pipeio.actuate.PipeIoHealthContributor;
import io.pipeio.core.PipeChannelRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code pipeIo} health contributor: one component per channel.
 * Switch it off with {@code management.health.pipe-io.enabled=false}.
 *
 * @author pipe-io
 */
@AutoConfiguration(after = PipeIoAutoConfiguration.class)
@ConditionalOnClass({ CompositeHealthContributor.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(PipeChannelRegistry.class)
@ConditionalOnEnabledHealthIndicator("pipe-io")
public final class PipeIoHealthContributorAutoConfiguration {

	PipeIoHealthContributorAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean(name = "pipeIoHealthContributor")
	PipeIoHealthContributor pipeIoHealthContributor(PipeChannelRegistry registry) {
		return new PipeIoHealthContributor(registry);
	}

}
