package io.pipeio.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.pipeio.annotation.PipeListener;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeSendException;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.RecordingErrorHandler;
import io.pipeio.testsupport.ShellClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener's reply that does not fit into the full send queue with
 * {@code overflow=fail}: the reply fails at once, is counted and kept as a dead letter
 * once, as {@code queue-full}, and goes to the error handler, which may tell someone; the
 * request it answered is not dropped as well. The channel keeps serving.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class PipeChannelReplyOverflowTests {

	private static final int BLOCKING_LINE = 256 * 1024;

	@TempDir
	Path directory;

	private ApplicationContextRunner runner(Class<?> listener) {
		return runner(listener, new RecordingErrorHandler());
	}

	private ApplicationContextRunner runner(Class<?> listener, RecordingErrorHandler errorHandler) {
		return PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(listener)
			.withBean("pipeErrorHandler", PipeErrorHandler.class, () -> errorHandler)
			.withPropertyValues("pipe-io.channels.echo.send-queue-capacity=1", "pipe-io.channels.echo.overflow=fail",
					"pipe-io.channels.echo.dead-letter.file=" + this.directory.resolve("letters/echo.jsonl"));
	}

	@Test
	void replyThatDoesNotFitGoesToTheErrorHandler() {
		replyThatDoesNotFitIsLostOnce(Replying.class);
	}

	@Test
	void asynchronousReplyThatDoesNotFitGoesToTheErrorHandler() {
		replyThatDoesNotFitIsLostOnce(ReplyingLater.class);
	}

	@Test
	void aSendOfTheListenerToItsOwnChannelThatDoesNotFitIsLostOnce() {
		replyThatDoesNotFitIsLostOnce(SendingToItsOwnChannel.class);
	}

	private void replyThatDoesNotFitIsLostOnce(Class<?> listener) {
		runner(listener).run((context) -> {
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("echo");
			// Nobody reads: the writer takes a line larger than the pipe and blocks, one
			// more fills the queue.
			channel.send(new byte[BLOCKING_LINE]);
			await().atMost(Duration.ofSeconds(5)).until(() -> channel.getSendQueueSize() == 0);
			channel.send("queued");
			ShellClient.run("printf 'request\\n' > '" + this.directory.resolve("echo.in") + "'");
			PipeListenerFailedException failure = ((RecordingErrorHandler) context.getBean("pipeErrorHandler")).next();
			assertThat(failure.getCause()).isInstanceOf(PipeSendException.class)
				.hasMessageContaining("'echo'")
				.hasMessageContaining("overflow fail");
			assertThat(failure.getLine()).asString().isEqualTo("request");
			assertThat(failure.getReason()).isEqualTo(DropReason.QUEUE_FULL);
			// One reply lost: one drop and one dead letter, the reply itself.
			assertThat(channel.getStatistics().getDropped(DropReason.QUEUE_FULL)).isEqualTo(1);
			assertThat(channel.getStatistics().getDroppedTotal()).isEqualTo(1);
			assertThat(channel.getStatistics().getDeadLettered()).isEqualTo(1);
			assertThat(Files.readAllLines(this.directory.resolve("letters/echo.jsonl"))).singleElement()
				.satisfies((letter) -> assertThat(letter).contains("\"reason\":\"queue-full\"")
					.contains("\"line\":\"re:request\""));
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "echo")) {
				assertThat(client.receiveBytes()).hasSize(BLOCKING_LINE);
				assertThat(client.receive()).isEqualTo("queued");
				client.send("again");
				assertThat(client.receive()).isEqualTo("re:again");
			}
		});
	}

	@ParameterizedTest
	@ValueSource(classes = { Replying.class, ReplyingLater.class })
	void anErrorHandlersReplyThatDoesNotFitIsCountedAsLostWithoutAnErrorPerLine(Class<?> listener,
			CapturedOutput output) {
		RecordingErrorHandler replying = new RecordingErrorHandler((failure) -> "err:" + failure.getReason().tag());
		runner(listener, replying).run((context) -> {
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("echo");
			channel.send(new byte[BLOCKING_LINE]);
			await().atMost(Duration.ofSeconds(5)).until(() -> channel.getSendQueueSize() == 0);
			channel.send("queued");
			ShellClient.run("printf 'one\\ntwo\\nthree\\n' > '" + this.directory.resolve("echo.in") + "'");
			for (int i = 0; i < 3; i++) {
				assertThat(replying.next().getReason()).isEqualTo(DropReason.QUEUE_FULL);
			}
			// Each reply lost, the listener's and the error handler's, is counted and
			// kept once.
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(channel.getStatistics().getDeadLettered()).isEqualTo(6));
			assertThat(channel.getStatistics().getDropped(DropReason.QUEUE_FULL)).isEqualTo(6);
			assertThat(Files.readAllLines(this.directory.resolve("letters/echo.jsonl")))
				.filteredOn((letter) -> letter.contains("\"line\":\"err:queue-full\""))
				.hasSize(3);
			assertThat(output.getAll()).doesNotContain("Error handler of channel 'echo' failed")
				.doesNotContain("its reply could not be sent");
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "echo")) {
				assertThat(client.receiveBytes()).hasSize(BLOCKING_LINE);
				assertThat(client.receive()).isEqualTo("queued");
			}
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Replying {

		@PipeListener("echo")
		String echo(String line) {
			return "re:" + line;
		}

	}

	/**
	 * Answers with a send of its own, as a flow ending in the channel's outbound does.
	 */
	@Configuration(proxyBeanMethods = false)
	static class SendingToItsOwnChannel {

		private final PipeOperations pipes;

		SendingToItsOwnChannel(PipeOperations pipes) {
			this.pipes = pipes;
		}

		@PipeListener("echo")
		void echo(String line) {
			try {
				this.pipes.send("echo", "re:" + line);
			}
			catch (PipeSendException ex) {
				// as a flow wraps it
				throw new IllegalStateException("Flow failed", ex);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReplyingLater {

		@PipeListener("echo")
		CompletableFuture<String> echo(String line) {
			// completes on another thread, after the listener returned
			return CompletableFuture.supplyAsync(() -> "re:" + line,
					CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
		}

	}

}
