package io.pipeio.core;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.pipeio.annotation.PipeListener;
import io.pipeio.server.ChannelStatistics;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A line its listener fails on is counted once ({@code handler-error}) on each engine and
 * dispatch mode, also when the error handler then fails too: the channel decides what a
 * listener failure is, and the engine only guards its thread against what escapes.
 */
@Timeout(60)
class PipeChannelFailureCountTests {

	@TempDir
	Path directory;

	@ParameterizedTest(name = "engine {0}, dispatch {1}")
	@CsvSource({ "threads, auto", "event-loop, worker", "event-loop, loop" })
	void failingListenerIsCountedOncePerLineEvenWhenTheErrorHandlerFails(String engine, String dispatch) {
		AtomicInteger errorHandlerCalls = new AtomicInteger();
		PipeErrorHandler failingErrorHandler = (failure, context) -> {
			errorHandlerCalls.incrementAndGet();
			throw new AssertionError("the error handler fails too");
		};
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(Failing.class)
			.withBean("pipeErrorHandler", PipeErrorHandler.class, () -> failingErrorHandler)
			.withPropertyValues("pipe-io.engine=" + engine, "pipe-io.channels.count.dispatch=" + dispatch)
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("count");
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "count")) {
					client.send("fail 1");
					client.send("fail 2");
					client.send("fail 3");
					client.send("ok");
					// Lines are handled in order: the reply to the last one comes after
					// everything the channel counted for the three before it.
					assertThat(client.receive()).isEqualTo("re:ok");
				}
				ChannelStatistics statistics = channel.getStatistics();
				assertThat(statistics.getDropped(DropReason.HANDLER_ERROR)).isEqualTo(3);
				assertThat(statistics.getDroppedTotal()).isEqualTo(3);
				assertThat(errorHandlerCalls).hasValue(3);
				assertThat(statistics.getLastError()).isNotNull()
					.satisfies((error) -> assertThat(error.message()).isEqualTo("fail 3"));
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Failing {

		@PipeListener("count")
		String count(String line) {
			if (line.startsWith("fail")) {
				throw new IllegalStateException(line);
			}
			return "re:" + line;
		}

	}

}
