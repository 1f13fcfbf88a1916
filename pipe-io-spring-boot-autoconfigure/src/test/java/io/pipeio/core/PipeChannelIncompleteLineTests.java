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

import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that left in the middle of a line: the error handler is told, but what it
 * answers is not written, as the client it would answer is gone and the next one would
 * read it as the answer to its own first line.
 */
@Timeout(60)
class PipeChannelIncompleteLineTests {

	@TempDir
	Path directory;

	@ParameterizedTest(name = "engine {0}")
	@ValueSource(strings = { "threads", "event-loop" })
	void theNextClientGetsItsOwnAnswerAndNotTheErrorHandlersToTheLineLeftIncomplete(String engine) {
		List<PipeListenerFailedException> failures = new CopyOnWriteArrayList<>();
		PipeErrorHandler answeringErrorHandler = (failure, context) -> {
			failures.add(failure);
			return "error: " + failure.getReason().tag();
		};
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(Echo.class)
			.withBean("pipeErrorHandler", PipeErrorHandler.class, () -> answeringErrorHandler)
			.withPropertyValues("pipe-io.engine=" + engine)
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("echo");
				// a client killed before it wrote its newline
				try (OutputStream dying = Files.newOutputStream(this.directory.resolve("echo.in"))) {
					dying.write("{\"op\":\"add\"".getBytes(StandardCharsets.UTF_8));
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> !failures.isEmpty());
				assertThat(failures).singleElement()
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

	@Configuration(proxyBeanMethods = false)
	static class Echo {

		@PipeListener("echo")
		String echo(String line) {
			return "re:" + line;
		}

	}

}
