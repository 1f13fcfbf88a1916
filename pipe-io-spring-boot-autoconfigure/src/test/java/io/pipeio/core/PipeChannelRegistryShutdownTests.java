package io.pipeio.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import io.pipeio.autoconfigure.PipeChannelSettingsFactory;
import io.pipeio.server.PipeServerState;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutting channels down: within {@code spring.lifecycle.timeout-per-shutdown-phase}
 * whatever clients do, writing the lines still queued, and removing the pipes.
 */
@Timeout(60)
class PipeChannelRegistryShutdownTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory).withUserConfiguration(TextAndBytesListeners.class);
	}

	@Test
	void stopWritesQueuedRepliesBeforeClosing() throws Exception {
		runner().withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=20s").run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannel channel = registry.getRequiredChannel("bytes");
			String padding = "x".repeat(1000);
			List<CompletableFuture<Void>> written = new ArrayList<>();
			// Far more than the 64 KiB a pipe buffers, so lines wait in the queue.
			int count = sendUntilQueued(channel,
					(i) -> written.add(channel.sendAsync((i + ":" + padding).getBytes(StandardCharsets.UTF_8))));
			CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> registry.stop("bytes"));
			await().until(() -> channel.getState() == PipeServerState.STOPPING);
			// Only a reader: the stopping channel no longer reads its in pipe.
			try (PipeTestClient client = PipeTestClient.receiver(this.directory.resolve("bytes.out"))) {
				List<String> lines = client.receiveLines(count);
				for (int i = 0; i < count; i++) {
					assertThat(lines.get(i)).isEqualTo(i + ":" + padding);
				}
				stopped.get(20, TimeUnit.SECONDS);
				await().until(client::isAtEndOfFile);
			}
			assertThat(written).allMatch((future) -> future.isDone() && !future.isCompletedExceptionally());
			assertThat(channel.getStatistics().getSentMessages()).isEqualTo(count);
			assertThat(this.directory.resolve("bytes.out")).doesNotExist();
		});
	}

	@Test
	void stoppingManyChannelsLeavesNoStopperThreadBehind() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
			for (int i = 0; i < 50; i++) {
				registry.register("c" + i, factory.createDefault("c" + i), (line, channel) -> line);
			}
			registry.stop();
			assertThat(registry.getChannels()).noneMatch(PipeChannel::isRunning);
			assertThat(Thread.getAllStackTraces().keySet())
				.noneMatch((thread) -> thread.isAlive() && thread.getName().startsWith("pipe-io-stop"));
		});
	}

	@Test
	void shutdownWithClientsAttachedHonoursTheShutdownPhaseTimeout() throws Exception {
		runner().withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=2s").run((context) -> {
			assertThat(context).hasNotFailed();
			PipeChannel bytes = context.getBean(PipeChannelRegistry.class).getRequiredChannel("bytes");
			// A shell client holds both pipes of "bytes" and never reads: the out pipe
			// fills up and the writer blocks with lines still queued.
			Process shell = new ProcessBuilder("bash", "-c", "exec 3<'" + this.directory.resolve("bytes.out") + "' 4>'"
					+ this.directory.resolve("bytes.in") + "'; echo attached; exec sleep 60")
				.redirectErrorStream(true)
				.start();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "text")) {
				assertThat(new String(shell.getInputStream().readNBytes(9), StandardCharsets.UTF_8))
					.isEqualTo("attached\n");
				byte[] big = "y".repeat(1000).getBytes(StandardCharsets.UTF_8);
				sendUntilQueued(bytes, (i) -> bytes.send(big));
				client.send("attached too");
				assertThat(client.receive()).isEqualTo("text:attached too");
				long start = System.nanoTime();
				context.close();
				Duration took = Duration.ofNanos(System.nanoTime() - start);
				assertThat(took).isLessThan(Duration.ofMillis(3000));
				assertThat(this.directory.resolve("bytes.in")).doesNotExist();
				assertThat(this.directory.resolve("bytes.out")).doesNotExist();
				assertThat(this.directory.resolve("text.in")).doesNotExist();
				assertThat(this.directory.resolve("text.out")).doesNotExist();
				await().atMost(Duration.ofSeconds(2)).until(client::isAtEndOfFile);
			}
			finally {
				shell.destroyForcibly();
				shell.waitFor(5, TimeUnit.SECONDS);
			}
		});
	}

	@Test
	void aStuckChannelDoesNotKeepTheOthersFromWritingTheirQueuedRepliesOnShutdown() throws Exception {
		runner()
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=4s",
					"pipe-io.channels.stuck.max-message-size=1KB")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannel stuck = registry.getRequiredChannel("stuck");
				PipeChannel bytes = registry.getRequiredChannel("bytes");
				// "stuck" has a client that never reads: its writer blocks until the
				// deadline.
				Process shell = new ProcessBuilder("bash", "-c",
						"exec 3<'" + this.directory.resolve("stuck.out") + "'; echo attached; exec sleep 60")
					.redirectErrorStream(true)
					.start();
				try {
					assertThat(new String(shell.getInputStream().readNBytes(9), StandardCharsets.UTF_8))
						.isEqualTo("attached\n");
					byte[] big = "s".repeat(1000).getBytes(StandardCharsets.UTF_8);
					sendUntilQueued(stuck, (i) -> stuck.send(big));
					String padding = "b".repeat(1000);
					int count = sendUntilQueued(bytes,
							(i) -> bytes.send((i + padding).getBytes(StandardCharsets.UTF_8)));
					CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);
					// Both channels stop at the same time; only then does the reader of
					// "bytes" come.
					await().until(() -> stuck.getState() == PipeServerState.STOPPING
							&& bytes.getState() == PipeServerState.STOPPING);
					try (PipeTestClient client = PipeTestClient.receiver(this.directory.resolve("bytes.out"))) {
						List<String> lines = client.receiveLines(count);
						assertThat(lines.get(0)).isEqualTo("0" + padding);
						assertThat(lines.get(count - 1)).isEqualTo((count - 1) + padding);
					}
					closed.get(10, TimeUnit.SECONDS);
					assertThat(this.directory).isEmptyDirectory();
				}
				finally {
					shell.destroyForcibly();
					shell.waitFor(5, TimeUnit.SECONDS);
				}
			});
	}

	/**
	 * Send lines of about 1 KB until the out pipe is full (nobody reads it) and lines
	 * wait in the send queue behind the blocked writer.
	 * @param channel the channel
	 * @param send sends line number i
	 * @return how many lines were sent
	 */
	private static int sendUntilQueued(PipeChannel channel, IntConsumer send) {
		for (int sent = 0; sent < 5000; sent++) {
			if (sent > 200 && channel.getSendQueueSize() > 0) {
				return sent;
			}
			send.accept(sent);
		}
		throw new AssertionError("5000 lines sent and none waits in the send queue");
	}

}
