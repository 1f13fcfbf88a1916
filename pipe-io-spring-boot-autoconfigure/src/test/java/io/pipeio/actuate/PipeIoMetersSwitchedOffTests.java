package io.pipeio.actuate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.micrometer.core.instrument.MeterRegistry;
import io.pipeio.autoconfigure.PipeChannelSettingsFactory;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The meters an application with thousands of channels switches off to save memory, with
 * Spring Boot's own {@code management.metrics.enable.*} (as the README advises): they are
 * not registered, the others are, and the channels serve and change state as before.
 */
@Timeout(60)
class PipeIoMetersSwitchedOffTests {

	@TempDir
	Path directory;

	@Test
	void droppedAndStateMetersSwitchedOffAreNotRegisteredAndChannelsServeAsBefore() {
		PipeIoContextRunners.withMetrics(this.directory)
			.withPropertyValues("management.metrics.enable.pipeio.messages.dropped=false",
					"management.metrics.enable.pipeio.channel.state=false",
					"management.metrics.enable.pipeio.bytes=false",
					"management.metrics.enable.pipeio.send.queue.bytes=false")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				registry.register("worker", factory.createDefault("worker"), (line, channel) -> {
					if (new String(line, StandardCharsets.UTF_8).equals("fail")) {
						throw new IllegalStateException("failed on purpose");
					}
					return line;
				});
				assertThat(PipeTestClient.request(this.directory, "worker", "one")).isEqualTo("one");
				await().until(() -> meters.get("pipeio.messages.received")
					.tag("channel", "worker")
					.functionCounter()
					.count() == 1);
				assertThat(meters.find("pipeio.messages.sent").tag("channel", "worker").meters()).hasSize(1);
				// A drop would register its reason's counter: switched off, it is not.
				try (PipeTestClient client = PipeTestClient.sender(this.directory.resolve("worker.in"))) {
					client.send("fail");
				}
				await().until(
						() -> registry.getChannel("worker").getStatistics().getDropped(DropReason.HANDLER_ERROR) == 1);
				assertThat(meters.find("pipeio.messages.dropped").meters()).isEmpty();
				assertThat(meters.find("pipeio.channel.state").meters()).isEmpty();
				assertThat(meters.find("pipeio.bytes.received").meters()).isEmpty();
				assertThat(meters.find("pipeio.bytes.sent").meters()).isEmpty();
				assertThat(meters.find("pipeio.send.queue.bytes").meters()).isEmpty();
				assertThat(meters.find("pipeio.send.queue.size").tag("channel", "worker").meters()).hasSize(1);
				registry.pause("worker");
				assertThat(registry.getChannel("worker").isPaused()).isTrue();
				registry.resume("worker");
				assertThat(PipeTestClient.request(this.directory, "worker", "two")).isEqualTo("two");
			});
	}

}
