package io.pipeio.integration;

import java.nio.file.Path;
import java.time.Duration;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.core.PipeListenerFailedException;
import io.pipeio.integration.dsl.PipeChannelAdapters;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeSendException;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.RecordingErrorHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.dsl.IntegrationFlow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A flow that answers a channel's lines through that channel's outbound handler, when the
 * full send queue refuses an answer ({@code overflow=fail}): the answer is lost once, as
 * a {@code @PipeListener}'s reply is, also when the adapter has an error channel.
 */
@Timeout(60)
class PipeInboundChannelAdapterReplyOverflowTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final int BLOCKING_LINE = 256 * 1024;

	@TempDir
	Path directory;

	@Test
	void withAnErrorChannelARefusedAnswerGoesToTheErrorHandlerAloneAndIsCountedOnce() {
		RecordingErrorHandler errors = new RecordingErrorHandler();
		IntegrationContextRunners.withDirectory(this.directory)
			.withUserConfiguration(AnsweringFlow.class)
			.withBean("pipeErrorHandler", PipeErrorHandler.class, () -> errors)
			.withPropertyValues("pipe-io.channels.echo.send-queue-capacity=1", "pipe-io.channels.echo.overflow=fail",
					"spring.lifecycle.timeout-per-shutdown-phase=1s")
			.run((context) -> {
				QueueChannel failures = context.getBean("failures", QueueChannel.class);
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("echo");
				// Nobody reads: the writer takes a line larger than the pipe and blocks,
				// one more fills the queue.
				channel.send(new byte[BLOCKING_LINE]);
				await().atMost(WAIT).until(() -> channel.getSendQueueSize() == 0);
				channel.send("queued");
				try (PipeTestClient sender = PipeTestClient.sender(this.directory.resolve("echo.in"))) {
					sender.send("request");
					// Both are told on the reader thread, the error channel first: once
					// either has it, the other would have had it too.
					await().atMost(WAIT).until(() -> errors.size() > 0 || failures.getQueueSize() > 0);
				}
				assertThat(failures.getQueueSize()).as("messages on the error channel").isZero();
				PipeListenerFailedException failure = errors.next();
				assertThat(failure.getReason()).isEqualTo(DropReason.QUEUE_FULL);
				assertThat(failure.getLine()).asString().isEqualTo("request");
				assertThat(failure).hasRootCauseInstanceOf(PipeSendException.class);
				// One answer lost: one drop, the answer; the request it answered is not
				// dropped as well.
				assertThat(channel.getStatistics().getDropped(DropReason.QUEUE_FULL)).isOne();
				assertThat(channel.getStatistics().getDroppedTotal()).isOne();
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "echo")) {
					assertThat(client.receiveBytes()).hasSize(BLOCKING_LINE);
					assertThat(client.receive()).isEqualTo("queued");
					client.send("again");
					assertThat(client.receive()).isEqualTo("re:again");
				}
				assertThat(errors.size()).isZero();
				assertThat(failures.getQueueSize()).isZero();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class AnsweringFlow {

		@Bean
		QueueChannel failures() {
			return new QueueChannel();
		}

		@Bean
		IntegrationFlow echoFlow(PipeChannelAdapters pipes) {
			return IntegrationFlow.from(pipes.inbound("echo").errorChannel("failures"))
				.<String, String>transform((line) -> "re:" + line)
				.handle(pipes.outbound())
				.get();
		}

	}

}
