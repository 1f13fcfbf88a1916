package io.pipeio.autoconfigure;

import java.nio.file.Path;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.server.PipeInUseException;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two applications in one JVM on the same {@code pipe-io.directory}: the second one to
 * serve a channel the first serves fails startup, naming the pipe, and the failure
 * analysis says what to do; channels of different names share the directory.
 */
@Timeout(60)
class PipeIoSharedDirectoryTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.echo.max-message-size=1KB");
	}

	@Test
	void secondContextServingTheSameChannelFailsStartupNamingThePipe() {
		runner().run((first) -> {
			assertThat(first).hasNotFailed();
			runner().run((second) -> {
				assertThat(second).hasFailed();
				PipeInUseException cause = findCause(second.getStartupFailure());
				assertThat(cause.getMessage()).contains(this.directory.resolve("echo.in").toString())
					.contains("channel 'echo'")
					.contains("pipe-io.directory");
				FailureAnalysis analysis = new PipeFileFailureAnalyzer().analyze(second.getStartupFailure());
				assertThat(analysis.getAction()).contains("pipe-io.directory");
			});
			assertThat(first.getBean(PipeChannelRegistry.class).getRequiredChannel("echo").isRunning()).isTrue();
			assertThat(this.directory.resolve("echo.in")).exists();
		});
	}

	@Test
	void contextsWithOtherChannelsShareTheDirectory() {
		runner().run((first) -> PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.other.max-message-size=1KB")
			.run((second) -> {
				assertThat(first).hasNotFailed();
				assertThat(second).hasNotFailed();
				assertThat(second.getBean(PipeChannelRegistry.class).getRequiredChannel("other").isRunning()).isTrue();
			}));
		assertThat(this.directory).isEmptyDirectory();
	}

	private static PipeInUseException findCause(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof PipeInUseException inUse) {
				return inUse;
			}
		}
		throw new AssertionError("No PipeInUseException in the chain of " + failure, failure);
	}

}
