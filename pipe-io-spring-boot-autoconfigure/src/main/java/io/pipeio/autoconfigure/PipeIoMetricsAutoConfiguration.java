package io.pipeio.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.pipeio.actuate.PipeIoMetrics;
import io.pipeio.actuate.PipeListenerMetricsDecorator;
import io.pipeio.actuate.PipePluginMetrics;
import io.pipeio.actuate.PipeListenerObservationConvention;
import io.pipeio.actuate.PipeRequestMetrics;
import io.pipeio.actuate.PipeRequestObservationConvention;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of pipe-io's Micrometer meters, and of the {@code pipeio.listener}
 * timer around every listener call and the {@code pipeio.requests} timer of every
 * request, each an observation when {@code pipe-io.observation.enabled} (by default: when
 * Micrometer Tracing is configured).
 *
 * @author pipe-io
 */
@AutoConfiguration(before = PipeIoAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "pipe-io.enabled", matchIfMissing = true)
public final class PipeIoMetricsAutoConfiguration {

	private static final String TRACER_CLASS = "io.micrometer.tracing.Tracer";

	PipeIoMetricsAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	PipeIoMetrics pipeIoMetrics() {
		return new PipeIoMetrics();
	}

	@Bean
	@ConditionalOnMissingBean
	PipePluginMetrics pipePluginMetrics() {
		return new PipePluginMetrics();
	}

	@Bean
	@ConditionalOnMissingBean
	PipeRequestObservationConvention pipeRequestObservationConvention() {
		return new PipeRequestObservationConvention();
	}

	@Bean
	@ConditionalOnMissingBean
	PipeRequestMetrics pipeRequestMetrics(ObjectProvider<MeterRegistry> meterRegistry,
			ObjectProvider<ObservationRegistry> observationRegistry, PipeRequestObservationConvention convention,
			PipeIoProperties properties, ListableBeanFactory beanFactory) {
		return new PipeRequestMetrics(meterRegistry.getIfUnique(),
				observe(properties, beanFactory) ? observationRegistry.getIfUnique() : null, convention);
	}

	@Bean
	@ConditionalOnMissingBean
	PipeListenerObservationConvention pipeListenerObservationConvention() {
		return new PipeListenerObservationConvention();
	}

	@Bean
	@ConditionalOnMissingBean
	PipeListenerMetricsDecorator pipeListenerMetricsDecorator(ObjectProvider<MeterRegistry> meterRegistry,
			ObjectProvider<ObservationRegistry> observationRegistry, PipeListenerObservationConvention convention,
			PipeIoProperties properties, ListableBeanFactory beanFactory) {
		return new PipeListenerMetricsDecorator(meterRegistry.getIfUnique(), observationRegistry.getIfUnique(),
				observe(properties, beanFactory), convention);
	}

	/** Whether listener calls and requests are observations: by default with a tracer. */
	private static boolean observe(PipeIoProperties properties, ListableBeanFactory beanFactory) {
		Boolean enabled = properties.getObservation().getEnabled();
		return (enabled != null) ? enabled : hasTracer(beanFactory);
	}

	private static boolean hasTracer(ListableBeanFactory beanFactory) {
		ClassLoader classLoader = beanFactory.getClass().getClassLoader();
		if (!ClassUtils.isPresent(TRACER_CLASS, classLoader)) {
			return false;
		}
		Class<?> tracer = ClassUtils.resolveClassName(TRACER_CLASS, classLoader);
		return beanFactory.getBeanNamesForType(tracer, false, false).length > 0;
	}

}
