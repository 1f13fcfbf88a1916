package io.pipeio.actuate;

import java.nio.file.Path;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.autoconfigure.PipeIoEndpointAutoConfiguration;
import io.pipeio.autoconfigure.PipeIoHealthContributorAutoConfiguration;
import io.pipeio.autoconfigure.PipeIoMetricsAutoConfiguration;
import io.pipeio.core.PipeChannelRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence and absence of each optional observability piece.
 */
class PipeIoActuatorAutoConfigurationTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PipeIoAutoConfiguration.class, PipeIoMetricsAutoConfiguration.class,
							PipeIoHealthContributorAutoConfiguration.class, PipeIoEndpointAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("pipe-io.directory=" + this.directory, "pipe-io.channels.echo.auto-startup=false",
					"management.endpoints.web.exposure.include=pipeio");
	}

	@Test
	void everyPieceIsPresentWithItsLibraries() {
		runner().run((context) -> assertThat(context).hasNotFailed()
			.hasBean("pipeIoHealthContributor")
			.hasSingleBean(PipeIoMetrics.class)
			.hasSingleBean(PipeListenerMetricsDecorator.class)
			.hasSingleBean(PipeIoEndpoint.class));
	}

	@Test
	void healthCanBeSwitchedOff() {
		runner().withPropertyValues("management.health.pipe-io.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("pipeIoHealthContributor")
				.hasSingleBean(PipeIoMetrics.class));
	}

	@Test
	void endpointIsAbsentUnlessExposed() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PipeIoEndpoint.class));
	}

	@Test
	void appStartsWithoutActuatorHealth() {
		runner().withClassLoader(new FilteredClassLoader(CompositeHealthContributor.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(PipeChannelRegistry.class)
				.doesNotHaveBean("pipeIoHealthContributor"));
	}

	@Test
	void appStartsWithoutActuatorEndpoints() {
		runner().withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(PipeChannelRegistry.class)
				.doesNotHaveBean(PipeIoEndpoint.class));
	}

	@Test
	void appStartsWithoutMicrometer() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PipeIoAutoConfiguration.class, PipeIoMetricsAutoConfiguration.class,
							PipeIoHealthContributorAutoConfiguration.class, PipeIoEndpointAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.withPropertyValues("pipe-io.directory=" + this.directory, "pipe-io.channels.echo.auto-startup=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(PipeChannelRegistry.class)
				.doesNotHaveBean(PipeIoMetrics.class)
				.doesNotHaveBean(PipeListenerMetricsDecorator.class));
	}

	@Test
	void nothingWhenPipeIoIsDisabled() {
		runner().withPropertyValues("pipe-io.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(PipeChannelRegistry.class)
				.doesNotHaveBean("pipeIoHealthContributor")
				.doesNotHaveBean(PipeIoMetrics.class)
				.doesNotHaveBean(PipeIoEndpoint.class));
	}

	@Test
	void userBeansReplaceTheDefaults() {
		runner()
			.withBean("pipeIoHealthContributor", CompositeHealthContributor.class,
					() -> CompositeHealthContributor.fromMap(java.util.Map.of()))
			.withBean(PipeIoMetrics.class, PipeIoMetrics::new)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(PipeIoMetrics.class);
				assertThat(context.getBean("pipeIoHealthContributor")).isNotInstanceOf(PipeIoHealthContributor.class);
			});
	}

}
