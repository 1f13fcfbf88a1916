package io.pipeio.integration;

import java.nio.file.Path;

import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.integration.autoconfigure.PipeIoIntegrationAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A context runner with pipe-io, Spring Integration and the adapters' auto-configuration,
 * its pipes in a directory of the test's own.
 */
final class IntegrationContextRunners {

	private IntegrationContextRunners() {
	}

	static ApplicationContextRunner withDirectory(Path directory) {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class,
				IntegrationAutoConfiguration.class, PipeIoIntegrationAutoConfiguration.class))
			.withPropertyValues("pipe-io.directory=" + directory);
	}

}
