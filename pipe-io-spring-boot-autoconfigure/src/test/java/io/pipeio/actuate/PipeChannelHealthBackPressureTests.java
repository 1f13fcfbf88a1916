package io.pipeio.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import io.pipeio.autoconfigure.PipeIoHealthContributorAutoConfiguration;
import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeOperations;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.ChannelHealth;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The health details of a channel whose client does not read: how much waits to be
 * written, and since when the channel waits for its reader. Such a channel is still UP:
 * it works, its client is slow.
 */
@Timeout(60)
class PipeChannelHealthBackPressureTests {

	private static final int BLOCKING_LINE = 256 * 1024;

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory)
			.withConfiguration(AutoConfigurations.of(PipeIoHealthContributorAutoConfiguration.class))
			.withPropertyValues("pipe-io.channels.events.send-queue-capacity=1",
					"pipe-io.channels.events.overflow=drop-newest");
	}

	@Test
	void healthShowsSinceWhenTheChannelWaitsForItsReader() {
		runner().run((context) -> {
			PipeOperations template = context.getBean(PipeOperations.class);
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("events");
			assertThat(health(context).getDetails()).containsEntry("sendQueueBytes", 0L)
				.doesNotContainKey("waitingForReaderSince");
			Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
			// Nobody reads: the writer takes a line larger than the pipe and blocks
			// writing it.
			template.send("events", new byte[BLOCKING_LINE]);
			await().atMost(Duration.ofSeconds(5)).until(() -> channel.getSendQueueSize() == 0);
			template.send("events", "queued");
			template.send("events", "dropped");
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("sendQueueSize", 1)
				.containsEntry("sendQueueBytes", BLOCKING_LINE + 6L)
				.containsKey("waitingForReaderSince");
			assertThat(Instant.parse((String) health.getDetails().get("waitingForReaderSince"))).isBetween(before,
					Instant.now());
			@SuppressWarnings("unchecked")
			Map<String, Long> dropped = (Map<String, Long>) health.getDetails().get("dropped");
			assertThat(dropped).containsEntry("queue-full", 1L);
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "events")) {
				assertThat(client.receiveBytes()).hasSize(BLOCKING_LINE);
				assertThat(client.receive()).isEqualTo("queued");
			}
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(health(context).getDetails()).doesNotContainKey("waitingForReaderSince")
					.containsEntry("sendQueueBytes", 0L));
		});
	}

	private static Health health(AssertableApplicationContext context) {
		return ChannelHealth.of(context, "events");
	}

}
