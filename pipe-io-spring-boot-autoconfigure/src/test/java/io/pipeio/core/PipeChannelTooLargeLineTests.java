package io.pipeio.core;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pipeio.annotation.PipeListener;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request over the channel's max message size is skipped unread, and its client still
 * gets an answer if the error handler gives one, in the place of that request's answer.
 */
@Timeout(60)
class PipeChannelTooLargeLineTests {

	@TempDir
	Path directory;

	@ParameterizedTest(name = "engine {0}")
	@ValueSource(strings = { "threads", "event-loop" })
	void theErrorHandlersAnswerToALineOverTheLimitIsWrittenInItsPlace(String engine) {
		List<PipeListenerFailedException> failures = new CopyOnWriteArrayList<>();
		PipeErrorHandler answeringErrorHandler = (failure, context) -> {
			failures.add(failure);
			return "error: " + failure.getReason().tag();
		};
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(Echo.class)
			.withBean("pipeErrorHandler", PipeErrorHandler.class, () -> answeringErrorHandler)
			.withPropertyValues("pipe-io.engine=" + engine, "pipe-io.channels.echo.max-message-size=64B")
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("echo");
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "echo")) {
					client.send("first");
					client.send("x".repeat(100));
					client.send("after");
					assertThat(client.receive()).isEqualTo("re:first");
					assertThat(client.receive()).isEqualTo("error: too-large");
					assertThat(client.receive()).isEqualTo("re:after");
				}
				assertThat(failures).singleElement().satisfies((failure) -> {
					assertThat(failure.getReason()).isEqualTo(DropReason.TOO_LARGE);
					assertThat(failure.getLine()).isEmpty();
					assertThat(failure.getCause()).hasMessageContaining("100 bytes")
						.hasMessageContaining("max-message-size (64 bytes)");
				});
				assertThat(channel.getStatistics().getDropped(DropReason.TOO_LARGE)).isEqualTo(1);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Echo {

		@PipeListener("echo")
		String echo(String line) {
			return "re:" + line;
		}

	}

}
