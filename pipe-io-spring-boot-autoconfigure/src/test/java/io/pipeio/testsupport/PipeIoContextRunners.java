package io.pipeio.testsupport;

import java.nio.file.Path;

import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.autoconfigure.PipeIoEndpointAutoConfiguration;
import io.pipeio.autoconfigure.PipeIoHealthContributorAutoConfiguration;
import io.pipeio.autoconfigure.PipeIoMetricsAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Context runners for tests of the auto-configuration: {@link PipeIoAutoConfiguration}
 * with its pipes in a directory of the test's own, to which a test adds its listeners and
 * properties.
 */
public final class PipeIoContextRunners {

	private PipeIoContextRunners() {
	}

	/**
	 * A runner of {@link PipeIoAutoConfiguration} whose channels put their pipes in the
	 * given directory ({@code pipe-io.directory}).
	 * @param directory the pipe directory, usually the test's {@code @TempDir}
	 * @return the runner
	 */
	public static ApplicationContextRunner withDirectory(Path directory) {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class))
			.withPropertyValues("pipe-io.directory=" + directory);
	}

	/**
	 * A runner like {@link #withDirectory(Path)} with pipe-io's meters in a simple meter
	 * registry.
	 * @param directory the pipe directory, usually the test's {@code @TempDir}
	 * @return the runner
	 */
	public static ApplicationContextRunner withMetrics(Path directory) {
		return withDirectory(directory).withConfiguration(
				AutoConfigurations.of(PipeIoMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
						CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class));
	}

	/**
	 * A runner like {@link #withMetrics(Path)} with pipe-io's health contributor and
	 * {@code pipeio} endpoint too.
	 * @param directory the pipe directory, usually the test's {@code @TempDir}
	 * @return the runner
	 */
	public static ApplicationContextRunner withActuator(Path directory) {
		return withMetrics(directory).withConfiguration(AutoConfigurations
			.of(PipeIoHealthContributorAutoConfiguration.class, PipeIoEndpointAutoConfiguration.class));
	}

}
