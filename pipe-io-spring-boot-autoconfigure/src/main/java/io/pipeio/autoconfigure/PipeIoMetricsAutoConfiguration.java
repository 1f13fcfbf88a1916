package io.pipeio.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.pipeio.actuate.PipeIoMetrics;
import io.pipeio.actuate.PipeListenerMetricsDecorator;
import io.pipeio.actuate.PipeListenerObservationConvention;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of pipe-io's Micrometer meters and of the {@code pipeio.listener}
 * observation/timer around every listener call.
 *
 * @author pipe-io
 */
@AutoConfiguration(before = PipeIoAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "pipe-io.enabled", matchIfMissing = true)
public final class PipeIoMetricsAutoConfiguration {

	PipeIoMetricsAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	PipeIoMetrics pipeIoMetrics() {
		return new PipeIoMetrics();
	}

	@Bean
	@ConditionalOnMissingBean
	PipeListenerObservationConvention pipeListenerObservationConvention() {
		return new PipeListenerObservationConvention();
	}

	@Bean
	@ConditionalOnMissingBean
	PipeListenerMetricsDecorator pipeListenerMetricsDecorator(ObjectProvider<MeterRegistry> meterRegistry,
			ObjectProvider<ObservationRegistry> observationRegistry, PipeListenerObservationConvention convention) {
		return new PipeListenerMetricsDecorator(meterRegistry.getIfUnique(), observationRegistry.getIfUnique(),
				convention);
	}

}
