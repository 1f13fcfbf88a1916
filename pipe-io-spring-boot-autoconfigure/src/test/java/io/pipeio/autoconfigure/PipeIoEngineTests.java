package io.pipeio.autoconfigure;

import java.nio.file.Path;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.server.PipeEngine;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pipe-io.engine} reaches the server settings of every channel, configured or
 * declared by a listener only, and a value that is no engine fails startup.
 */
@Timeout(60)
class PipeIoEngineTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory);
	}

	@Test
	void theEngineIsAutoByDefault() {
		runner().withPropertyValues("pipe-io.channels.echo.charset=UTF-8").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(engines(context)).containsExactly(PipeEngine.AUTO, PipeEngine.AUTO);
		});
	}

	@ParameterizedTest(name = "pipe-io.engine={0}")
	@CsvSource(delimiter = '|', textBlock = """
			threads    | THREADS
			event-loop | EVENT_LOOP
			EVENT_LOOP | EVENT_LOOP
			auto       | AUTO
			""")
	void theConfiguredEngineReachesEveryChannel(String value, PipeEngine engine) {
		runner().withPropertyValues("pipe-io.engine=" + value, "pipe-io.channels.echo.charset=UTF-8").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(engines(context)).containsExactly(engine, engine);
		});
	}

	@Test
	void aValueThatIsNoEngineFailsStartupNamingThePropertyAndTheValues() {
		runner().withPropertyValues("pipe-io.engine=epoll", "pipe-io.channels.echo.charset=UTF-8").run((context) -> {
			assertThat(context).hasFailed();
			String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
			assertThat(message).contains("pipe-io.engine 'epoll' is not an engine")
				.contains("use auto, event-loop or threads");
			assertThat(this.directory).isEmptyDirectory();
		});
	}

	/**
	 * The engines of the configured channel "echo" and of a channel that only a listener
	 * declares, which gets the defaults.
	 */
	private static PipeEngine[] engines(AssertableApplicationContext context) {
		PipeEngine configured = context.getBean(PipeChannelRegistry.class)
			.getRequiredChannel("echo")
			.getSettings()
			.server()
			.getEngine();
		PipeEngine declared = context.getBean(PipeChannelSettingsFactory.class)
			.createDefault("declared")
			.server()
			.getEngine();
		return new PipeEngine[] { configured, declared };
	}

}
