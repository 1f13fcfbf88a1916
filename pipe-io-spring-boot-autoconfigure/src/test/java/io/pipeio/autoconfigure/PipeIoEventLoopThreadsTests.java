package io.pipeio.autoconfigure;

import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pipe-io.event-loop.threads} reaches the server settings of every channel,
 * configured or declared by a listener only, starts that many loops, and a value below 1
 * fails startup naming the property and the fix.
 */
@Timeout(60)
class PipeIoEventLoopThreadsTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory);
	}

	@Test
	void oneLoopByDefault() {
		runner().withPropertyValues("pipe-io.channels.echo.charset=UTF-8").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(eventLoops(context)).containsExactly(1, 1);
		});
	}

	@Test
	void theConfiguredNumberReachesEveryChannel() {
		runner().withPropertyValues("pipe-io.event-loop.threads=3", "pipe-io.channels.echo.charset=UTF-8")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(eventLoops(context)).containsExactly(3, 3);
			});
	}

	@Test
	void twoLoopsServeTwoChannelsOnTwoThreads() {
		runner()
			.withPropertyValues("pipe-io.engine=event-loop", "pipe-io.event-loop.threads=2",
					"pipe-io.channels.one.charset=UTF-8", "pipe-io.channels.two.charset=UTF-8")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(loopThreads()).containsExactlyInAnyOrder("pipe-io-event-loop-1", "pipe-io-event-loop-2");
			});
		assertThat(loopThreads()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 257, 100000 })
	void aLoopCountOutOfRangeFailsStartupNamingThePropertyAndTheFix(int loops) {
		runner().withPropertyValues("pipe-io.event-loop.threads=" + loops, "pipe-io.channels.echo.charset=UTF-8")
			.run((context) -> {
				assertThat(context).hasFailed();
				String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
				assertThat(message).contains("pipe-io.event-loop.threads must be between 1 and 256, got " + loops)
					.contains("use 1, or up to the number of processors");
				assertThat(this.directory).isEmptyDirectory();
			});
	}

	/**
	 * The loop counts of the configured channel "echo" and of a channel that only a
	 * listener declares, which gets the defaults.
	 */
	private static int[] eventLoops(AssertableApplicationContext context) {
		int configured = context.getBean(PipeChannelRegistry.class)
			.getRequiredChannel("echo")
			.getSettings()
			.server()
			.getEventLoops();
		int declared = context.getBean(PipeChannelSettingsFactory.class)
			.createDefault("declared")
			.server()
			.getEventLoops();
		return new int[] { configured, declared };
	}

	private static Set<String> loopThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("pipe-io-event-loop"))
			.collect(Collectors.toSet());
	}

}
