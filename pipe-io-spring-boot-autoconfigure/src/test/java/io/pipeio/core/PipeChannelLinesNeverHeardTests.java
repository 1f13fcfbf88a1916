package io.pipeio.core;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Lines the listener never hears of go to the error handler, and its answer is written
 * where a client waits for one. A line over the channel's max message size is skipped
 * unread: its client gets the error handler's answer in the place of that line's. A
 * client that left in the middle of a line gets none: it is gone, and the next client
 * would read it as the answer to its own first line.
 */
@Timeout(60)
class PipeChannelLinesNeverHeardTests {

	@TempDir
	Path directory;

	private final List<PipeListenerFailedException> failures = new CopyOnWriteArrayList<>();

	@ParameterizedTest(name = "engine {0}")
	@ValueSource(strings = { "threads", "event-loop" })
	void theNextClientGetsItsOwnAnswerAndNotTheErrorHandlersToTheLineLeftIncomplete(String engine) {
		runner(engine).run((context) -> {
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("echo");
			// a client killed before it wrote its newline
			try (OutputStream dying = Files.newOutputStream(this.directory.resolve("echo.in"))) {
				dying.write("{\"op\":\"add\"".getBytes(StandardCharsets.UTF_8));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> !this.failures.isEmpty());
			assertThat(this.failures).singleElement()
				.satisfies((failure) -> assertThat(failure.getReason()).isEqualTo(DropReason.INCOMPLETE));
			assertThat(channel.getStatistics().getDropped(DropReason.INCOMPLETE)).isEqualTo(1);
			try (PipeTestClient next = PipeTestClient.connect(this.directory, "echo")) {
				next.send("first");
				assertThat(next.receive()).isEqualTo("re:first");
				next.send("ok");
				assertThat(next.receive()).isEqualTo("re:ok");
			}
		});
	}

	@ParameterizedTest(name = "engine {0}")
	@ValueSource(strings = { "threads", "event-loop" })
	void theErrorHandlersAnswerToALineOverTheLimitIsWrittenInItsPlace(String engine) {
		runner(engine).withPropertyValues("pipe-io.channels.echo.max-message-size=64B").run((context) -> {
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("echo");
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "echo")) {
				client.send("first");
				client.send("x".repeat(100));
				client.send("after");
				assertThat(client.receive()).isEqualTo("re:first");
				assertThat(client.receive()).isEqualTo("error: too-large");
				assertThat(client.receive()).isEqualTo("re:after");
			}
			assertThat(this.failures).singleElement().satisfies((failure) -> {
				assertThat(failure.getReason()).isEqualTo(DropReason.TOO_LARGE);
				assertThat(failure.getLine()).isEmpty();
				assertThat(failure.getCause()).hasMessageContaining("100 bytes")
					.hasMessageContaining("max-message-size (64B)");
			});
			assertThat(channel.getStatistics().getDropped(DropReason.TOO_LARGE)).isEqualTo(1);
		});
	}

	/** The echo channel, with an error handler that answers every line it is given. */
	private ApplicationContextRunner runner(String engine) {
		PipeErrorHandler answeringErrorHandler = (failure, context) -> {
			this.failures.add(failure);
			return "error: " + failure.getReason().tag();
		};
		return PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(Echo.class)
			.withBean("pipeErrorHandler", PipeErrorHandler.class, () -> answeringErrorHandler)
			.withPropertyValues("pipe-io.engine=" + engine);
	}

	@Configuration(proxyBeanMethods = false)
	static class Echo {

		@PipeListener("echo")
		String echo(String line) {
			return "re:" + line;
		}

	}

}
