package io.pipeio.core;

import java.nio.file.Path;
import java.time.Duration;

import io.pipeio.annotation.PipeListener;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeSendException;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.RecordingErrorHandler;
import io.pipeio.testsupport.ShellClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Which sends of a listener are its replies, with {@code overflow=block} and a full send
 * queue: what it returns or sends with {@link PipeChannelContext#reply} waits for room
 * without a time limit (the channel stops reading), while a {@link PipeTemplate#send}
 * from the listener is a plain send and fails after the send timeout.
 */
@Timeout(60)
class PipeChannelReplySinkTests {

	private static final int BLOCKING_LINE = 256 * 1024;

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(Listeners.class)
			.withBean("pipeErrorHandler", PipeErrorHandler.class, RecordingErrorHandler::new)
			.withPropertyValues("pipe-io.channels.echo.send-queue-capacity=1",
					"pipe-io.channels.echo.send-timeout=100ms", "pipe-io.channels.relay.send-queue-capacity=1",
					"pipe-io.channels.relay.send-timeout=100ms", "pipe-io.channels.told.send-queue-capacity=1",
					"pipe-io.channels.told.send-timeout=100ms");
	}

	@Test
	void returnedReplyWaitsForRoomWithoutATimeLimit() {
		runner().run((context) -> assertReplyWaits(context.getBean(PipeChannelRegistry.class), "echo", "re:request"));
	}

	@Test
	void replyThroughTheContextWaitsForRoomWithoutATimeLimit() {
		runner().run((context) -> assertReplyWaits(context.getBean(PipeChannelRegistry.class), "told", "told:request"));
	}

	private void assertReplyWaits(PipeChannelRegistry registry, String name, String reply) {
		PipeChannel channel = fill(registry.getRequiredChannel(name));
		ShellClient.run("printf 'request\\n' > '" + this.directory.resolve(name + ".in") + "'");
		await().atMost(Duration.ofSeconds(10)).until(() -> channel.getStatistics().getReceivedMessages() == 1);
		// Far beyond the send timeout, nothing is dropped: the reply waits.
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(5))
			.until(() -> channel.getStatistics().getDropped(DropReason.QUEUE_FULL) == 0);
		try (PipeTestClient client = PipeTestClient.connect(this.directory, name)) {
			assertThat(client.receiveBytes()).hasSize(BLOCKING_LINE);
			assertThat(client.receiveLines(2)).containsExactly("queued", reply);
		}
		assertThat(channel.getStatistics().getDropped(DropReason.QUEUE_FULL)).isZero();
	}

	@Test
	void templateSendOfAListenerFailsAfterTheSendTimeout() {
		runner().run((context) -> {
			PipeChannel channel = fill(context.getBean(PipeChannelRegistry.class).getRequiredChannel("relay"));
			ShellClient.run("printf 'request\\n' > '" + this.directory.resolve("relay.in") + "'");
			PipeListenerFailedException failure = ((RecordingErrorHandler) context.getBean("pipeErrorHandler")).next();
			assertThat(failure.getCause()).isInstanceOf(PipeSendException.class)
				.hasMessageContaining("stayed full for 100ms");
			assertThat(failure.getLine()).asString().isEqualTo("request");
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "relay")) {
				assertThat(client.receiveBytes()).hasSize(BLOCKING_LINE);
				assertThat(client.receive()).isEqualTo("queued");
				client.send("again");
				assertThat(client.receive()).isEqualTo("plain:again");
			}
		});
	}

	/**
	 * Nobody reads: the writer takes a line larger than the pipe and blocks, one more
	 * fills the queue.
	 */
	private static PipeChannel fill(PipeChannel channel) {
		channel.send(new byte[BLOCKING_LINE]);
		await().atMost(Duration.ofSeconds(5)).until(() -> channel.getSendQueueSize() == 0);
		channel.send("queued");
		return channel;
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		private final PipeTemplate template;

		Listeners(PipeTemplate template) {
			this.template = template;
		}

		@PipeListener("echo")
		String echo(String line) {
			return "re:" + line;
		}

		@PipeListener("told")
		void told(String line, PipeChannelContext context) {
			context.reply("told:" + line);
		}

		@PipeListener("relay")
		void relay(String line) {
			this.template.send("relay", "plain:" + line);
		}

	}

}
