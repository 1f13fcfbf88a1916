package io.pipeio.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipeio.autoconfigure.PipeChannelSettingsFactory;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerSettings;
import io.pipeio.server.PipeServerState;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.PrefixingMeterFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A channel removed at runtime takes its meters with it, so that a plug-in host that adds
 * and removes channels does not pile them up, and a channel of the same name added later
 * counts afresh.
 */
@Timeout(60)
class PipeIoMetricsRemovalTests {

	@TempDir
	Path directory;

	@Test
	void unregisteringAChannelRemovesItsMetersAndANewOneOfTheSameNameCountsAfresh() {
		PipeIoContextRunners.withMetrics(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			registry.register("worker", factory.createDefault("worker"), (line, channel) -> line);
			assertThat(PipeTestClient.request(this.directory, "worker", "one")).isEqualTo("one");
			await().until(() -> received(meters, "worker") == 1);
			// pipe-io meters of the channel registered elsewhere go too; others stay
			meters.timer("pipeio.requests", "channel", "worker");
			meters.timer("pipeio.requests", "channel", "elsewhere");
			meters.counter("application.lines", "channel", "worker");
			assertThat(registry.unregister("worker")).isTrue();
			assertThat(meters.find("pipeio.messages.received").tag("channel", "worker").meters()).isEmpty();
			assertThat(meters.find("pipeio.channel.state").tag("channel", "worker").meters()).isEmpty();
			assertThat(meters.find("pipeio.requests").tag("channel", "worker").meters()).isEmpty();
			assertThat(meters.find("pipeio.requests").tag("channel", "elsewhere").meters()).hasSize(1);
			assertThat(meters.find("application.lines").tag("channel", "worker").meters()).hasSize(1);
			registry.register("worker", factory.createDefault("worker"), (line, channel) -> line);
			assertThat(PipeTestClient.request(this.directory, "worker", "two")).isEqualTo("two");
			await().until(() -> received(meters, "worker") == 1);
		});
	}

	@Test
	void aChannelOfTheSameNameCannotBeRegisteredUntilTheOldOneIsGoneSoNoMeterOfItIsLost() {
		PipeIoContextRunners.withMetrics(this.directory)
			.withBean(RegisterWhileStopping.class, RegisterWhileStopping::new)
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				RegisterWhileStopping again = context.getBean(RegisterWhileStopping.class);
				registry.register("worker", factory.createDefault("worker"), (line, channel) -> line);
				again.register = () -> registry.register("worker", factory.createDefault("worker"),
						(line, channel) -> line);
				assertThat(registry.unregister("worker")).isTrue();
				assertThat(again.refused).isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("'worker' is still being removed");
				registry.register("worker", factory.createDefault("worker"), (line, channel) -> line);
				assertThat(PipeTestClient.request(this.directory, "worker", "two")).isEqualTo("two");
				await().until(() -> received(meters, "worker") == 1);
				assertThat(meters.find("pipeio.channel.state").tag("channel", "worker").meters()).hasSize(1);
			});
	}

	/** Registers the channel again while its old self is stopping. */
	static class RegisterWhileStopping implements PipeServerListener {

		volatile Runnable register;

		volatile Throwable refused;

		@Override
		public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
				Throwable cause) {
			Runnable action = this.register;
			if (action != null && current == PipeServerState.STOPPED) {
				this.register = null;
				try {
					action.run();
				}
				catch (RuntimeException ex) {
					this.refused = ex;
				}
			}
		}

	}

	@Test
	void meterNamesChangedByAFilterAreRemovedTooAndANewChannelOfTheSameNameCountsAfresh() {
		PipeIoContextRunners.withMetrics(this.directory)
			.withBean(MeterFilter.class, PrefixingMeterFilter::new)
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				registry.register("worker", factory.createDefault("worker"), (line, channel) -> line);
				assertThat(PipeTestClient.request(this.directory, "worker", "one")).isEqualTo("one");
				await().until(() -> count(meters, "app.pipeio.messages.received") == 1);
				assertThat(meters.find("app.pipeio.channel.state").tag("channel", "worker").meters()).hasSize(1);
				assertThat(registry.unregister("worker")).isTrue();
				for (String name : List.of("app.pipeio.messages.received", "app.pipeio.messages.sent",
						"app.pipeio.bytes.received", "app.pipeio.send.queue.size", "app.pipeio.channel.state")) {
					assertThat(meters.find(name).tag("channel", "worker").meters()).as(name).isEmpty();
				}
				registry.register("worker", factory.createDefault("worker"), (line, channel) -> line);
				assertThat(PipeTestClient.request(this.directory, "worker", "two")).isEqualTo("two");
				assertThat(PipeTestClient.request(this.directory, "worker", "three")).isEqualTo("three");
				await().until(() -> count(meters, "app.pipeio.messages.received") == 2);
			});
	}

	@Test
	void listenerAndRequestTimersRenamedByAFilterAreRemovedWithTheirChannel() {
		PipeIoContextRunners.withMetrics(this.directory)
			.withBean(MeterFilter.class, PrefixingMeterFilter::new)
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				registry.register("worker", factory.createDefault("worker"), (line, channel) -> {
					if (line.length == 0) {
						throw new IllegalArgumentException("empty");
					}
					return line;
				});
				try (PipeTestClient plugin = PipeTestClient.connect(this.directory, "worker")) {
					CompletableFuture<String> answer = requests.sendAndReceiveAsync("worker", "ping",
							Duration.ofSeconds(30));
					assertThat(plugin.receive()).isEqualTo("ping");
					plugin.send("pong");
					assertThat(answer.get()).isEqualTo("pong");
					// an error and a success of the listener, in order
					plugin.send("");
					assertThat(plugin.request("one")).isEqualTo("one");
				}
				await().untilAsserted(() -> {
					assertThat(meters.find("app.pipeio.listener").tag("channel", "worker").meters()).hasSize(2);
					assertThat(meters.find("app.pipeio.listener.max").tag("channel", "worker").meters()).hasSize(2);
					assertThat(meters.find("app.pipeio.requests").tag("channel", "worker").meters()).hasSize(1);
				});
				assertThat(registry.unregister("worker")).isTrue();
				for (String name : List.of("app.pipeio.listener", "app.pipeio.listener.max", "app.pipeio.requests")) {
					assertThat(meters.find(name).tag("channel", "worker").meters()).as(name).isEmpty();
				}
			});
	}

	@Test
	void aStartOfARemovedChannelToldAfterItsRemovalBringsNoMeterBack() {
		MeterRegistry meters = new SimpleMeterRegistry();
		PipeIoMetrics metrics = new PipeIoMetrics();
		metrics.bindTo(meters);
		PipeServer removed = server();
		metrics.onStateChanged(removed, PipeServerState.STOPPED, PipeServerState.STARTING, null);
		assertThat(meters.find("pipeio.channel.state").tag("channel", "worker").meters()).hasSize(1);
		metrics.onRemoved(removed);
		assertThat(meters.find("pipeio.channel.state").tag("channel", "worker").meters()).isEmpty();
		// told by a thread that a blocked listener held up past the removal: a start that
		// gave up waiting for it left its changes to that thread
		metrics.onStateChanged(removed, PipeServerState.STOPPED, PipeServerState.STARTING, null);
		metrics.onStateChanged(removed, PipeServerState.STARTING, PipeServerState.RUNNING, null);
		assertThat(meters.find("pipeio.messages.received").tag("channel", "worker").meters()).isEmpty();
		assertThat(meters.find("pipeio.channel.state").tag("channel", "worker").meters()).isEmpty();
		// a channel of the same name added later has its meters (showing the state it is
		// in: it was not started here)
		PipeServer added = server();
		metrics.onStateChanged(added, PipeServerState.STOPPED, PipeServerState.STARTING, null);
		assertThat(meters.find("pipeio.messages.received").tag("channel", "worker").meters()).hasSize(1);
		assertThat(meters.get("pipeio.channel.state").tag("channel", "worker").gauge().value()).isEqualTo(1);
	}

	private PipeServer server() {
		return new PipeServer(PipeServerSettings
			.builder("worker", this.directory.resolve("worker.in"), this.directory.resolve("worker.out"))
			.build(), (buffer, offset, length) -> {
			});
	}

	private static double count(MeterRegistry meters, String name) {
		var counter = meters.find(name).tag("channel", "worker").functionCounter();
		return (counter != null) ? counter.count() : -1;
	}

	@Test
	void aChannelWhoseStartFailsLeavesNoMeters() throws Exception {
		Files.writeString(this.directory.resolve("broken.in"), "a regular file, not a FIFO");
		PipeIoContextRunners.withMetrics(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThatExceptionOfType(RuntimeException.class).isThrownBy(
					() -> registry.register("broken", factory.createDefault("broken"), (line, channel) -> line));
			assertThat(registry.getChannel("broken")).isNull();
			assertThat(meters.find("pipeio.channel.state").tag("channel", "broken").meters()).isEmpty();
		});
	}

	private static double received(MeterRegistry meters, String channel) {
		var counter = meters.find("pipeio.messages.received").tag("channel", channel).functionCounter();
		return (counter != null) ? counter.count() : -1;
	}

}
