package io.pipeio.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.pipeio.autoconfigure.PipeChannelSettingsFactory;
import io.pipeio.event.PipeChannelPausedEvent;
import io.pipeio.event.PipeChannelResumedEvent;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerSettings;
import io.pipeio.server.PipeServerState;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.ConcurrentCall;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.event.PipeChannelFailedEvent;
import io.pipeio.event.PipeChannelStoppedEvent;
import io.pipeio.testsupport.RecordingChannelEvents;
import io.pipeio.testsupport.ShellClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The {@link PipeChannelRegistry} as the application's {@code SmartLifecycle}: pausing,
 * starting and stopping single channels, channels added at runtime, and channels without
 * a listener. Shutdown: {@link PipeChannelRegistryShutdownTests}.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class PipeChannelRegistryLifecycleTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory).withUserConfiguration(TextAndBytesListeners.class);
	}

	@Test
	void aResumeArrivingWhileAPauseIsToldWaitsSoTheEventsKeepTheirOrder() {
		runner().withUserConfiguration(RecordingChannelEvents.class, ResumeWhilePausing.class).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			RecordingChannelEvents events = context.getBean(RecordingChannelEvents.class);
			ResumeWhilePausing hook = context.getBean(ResumeWhilePausing.class);
			String name = registry.getChannelNames().iterator().next();
			hook.registry = registry;
			registry.pause(name);
			await().until(() -> hook.resume != null && hook.resume.isDone());
			assertThat(registry.getRequiredChannel(name).isPaused()).isFalse();
			assertThat(events.lifecycle(name)).endsWith(PipeChannelPausedEvent.class, PipeChannelResumedEvent.class);
		});
	}

	@Test
	void pausedChannelLeavesLinesUntilResumed() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			TextAndBytesListeners listeners = context.getBean(TextAndBytesListeners.class);
			PipeChannel channel = registry.getRequiredChannel("text");
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "text")) {
				client.send("warm-up");
				assertThat(client.receive()).isEqualTo("text:warm-up");
				listeners.received.clear();
				// Counted once the chunk is handled, just after the reply was queued.
				await().until(() -> channel.getStatistics().getReceivedMessages() == 1);
				registry.pause("text");
				assertThat(channel.isPaused()).isTrue();
				client.send("one");
				client.send("two");
				await().during(Duration.ofMillis(500))
					.atMost(Duration.ofSeconds(2))
					.until(() -> listeners.received.isEmpty() && client.pendingLines() == 0);
				assertThat(channel.getStatistics().getReceivedMessages()).isEqualTo(1);
				registry.resume("text");
				assertThat(channel.isPaused()).isFalse();
				assertThat(client.receiveLines(2)).containsExactly("text:one", "text:two");
				assertThat(listeners.received).containsExactly("one", "two");
			}
		});
	}

	@Test
	void stopAndStartOneChannel() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			registry.stop("text");
			PipeChannel channel = registry.getRequiredChannel("text");
			assertThat(channel.isRunning()).isFalse();
			assertThat(channel.getState()).isEqualTo(PipeServerState.STOPPED);
			assertThat(this.directory.resolve("text.in")).doesNotExist();
			assertThat(this.directory.resolve("text.out")).doesNotExist();
			assertThat(registry.isRunning()).isTrue();
			assertThat(PipeTestClient.request(this.directory, "bytes", "other channels run"))
				.isEqualTo("other channels run");
			registry.start("text");
			assertThat(channel.isRunning()).isTrue();
			assertThat(PipeTestClient.request(this.directory, "text", "again")).isEqualTo("text:again");
		});
	}

	@Test
	void unknownChannelNameIsRejectedListingKnownOnes() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			assertThat(registry.getChannel("nope")).isNull();
			assertThatIllegalArgumentException().isThrownBy(() -> registry.pause("nope"))
				.withMessageContaining("'nope'")
				.withMessageContaining("[bytes, text]");
		});
	}

	@Test
	void registerAndUnregisterAtRuntime() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
			PipeChannel channel = registry.register("plugin", factory.createDefault("plugin"),
					(line, ctx) -> "plugin saw " + new String(line, ctx.getCharset()));
			assertThat(channel.isRunning()).isTrue();
			assertThat(registry.getChannel("plugin")).isSameAs(channel);
			assertThat(PipeTestClient.request(this.directory, "plugin", "hello")).isEqualTo("plugin saw hello");
			assertThat(registry.unregister("plugin")).isTrue();
			assertThat(registry.getChannel("plugin")).isNull();
			assertThat(channel.isRunning()).isFalse();
			assertThat(this.directory.resolve("plugin.in")).doesNotExist();
			assertThat(this.directory.resolve("plugin.out")).doesNotExist();
			assertThat(registry.unregister("plugin")).isFalse();
			// its pipe paths are free for another channel
			PipeServerSettings successor = PipeServerSettings
				.builder("successor", this.directory.resolve("plugin.in"), this.directory.resolve("plugin.out"))
				.build();
			registry.register("successor", PipeChannelSettings.of(successor), (line, ctx) -> line);
			assertThat(PipeTestClient.request(this.directory, "plugin", "again")).isEqualTo("again");
		});
	}

	@Test
	void aChannelIsNotStartedByNameOnceTheChannelsStopped() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			// as when the application shuts down and an operator asks for a start
			registry.stop();
			assertThatIllegalStateException().isThrownBy(() -> registry.start("text"))
				.withMessageContaining("'text'")
				.withMessageContaining("shuts down");
			assertThat(registry.getRequiredChannel("text").isRunning()).isFalse();
		});
	}

	@Test
	void aChannelRegisteredWhileTheChannelsStopIsStoppedToo() {
		runner().withUserConfiguration(StopWhileStarting.class).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			StopWhileStarting hook = context.getBean(StopWhileStarting.class);
			hook.registry = registry;
			registry.register("late", context.getBean(PipeChannelSettingsFactory.class).createDefault("late"),
					(line, ctx) -> line);
			await().until(() -> hook.stop != null && hook.stop.isDone());
			assertThat(registry.isRunning()).isFalse();
			assertThat(registry.getRequiredChannel("late").isRunning()).isFalse();
		});
	}

	@Test
	void registeredChannelWithoutAutoStartupWaitsForStart() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannelSettings defaults = context.getBean(PipeChannelSettingsFactory.class).createDefault("later");
			registry.register("later", new PipeChannelSettings(defaults.server(), defaults.charset(), false),
					(line, ctx) -> line);
			assertThat(this.directory.resolve("later.in")).doesNotExist();
			registry.start("later");
			assertThat(PipeTestClient.request(this.directory, "later", "now")).isEqualTo("now");
		});
	}

	/**
	 * A channel that fails as it is registered ends as one that fails at start-up does:
	 * failed, then stopped, so a listener that cleans up on the stopped event runs.
	 */
	@Test
	void aChannelThatFailsAsItIsRegisteredIsToldFailedThenStopped() throws Exception {
		runner().withUserConfiguration(RecordingChannelEvents.class).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			Files.writeString(this.directory.resolve("broken.in"), "not a pipe");
			assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> registry.register("broken",
					context.getBean(PipeChannelSettingsFactory.class).createDefault("broken"), (line, ctx) -> line));
			assertThat(registry.getChannel("broken")).isNull();
			assertThat(context.getBean(RecordingChannelEvents.class)
				.events()
				.stream()
				.filter((event) -> event.getChannel().equals("broken"))
				.<Class<?>>map(Object::getClass)
				.toList()).containsExactly(PipeChannelFailedEvent.class, PipeChannelStoppedEvent.class);
			assertThat(this.directory.resolve("broken.in")).hasContent("not a pipe");
			registry.register("again", context.getBean(PipeChannelSettingsFactory.class).createDefault("again"),
					(line, ctx) -> line);
			assertThat(PipeTestClient.request(this.directory, "again", "served")).isEqualTo("served");
		});
	}

	@Test
	void registerRejectsATakenNameOrPipePath() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
			assertThatIllegalStateException()
				.isThrownBy(() -> registry.register("text", factory.createDefault("text"), (line, ctx) -> null))
				.withMessageContaining("'text' is already registered");
			PipeServerSettings stealing = PipeServerSettings
				.builder("thief", this.directory.resolve("thief.in"), this.directory.resolve("text.out"))
				.build();
			assertThatIllegalStateException()
				.isThrownBy(() -> registry.register("thief", PipeChannelSettings.of(stealing), (line, ctx) -> null))
				.withMessageContaining(this.directory.resolve("text.out").toString())
				.withMessageContaining("channel 'text'");
			assertThat(registry.getChannel("thief")).isNull();
			assertThat(this.directory.resolve("thief.in")).doesNotExist();
			assertThat(PipeTestClient.request(this.directory, "text", "still mine")).isEqualTo("text:still mine");
		});
	}

	@Test
	void channelWithoutListenerWarnsOnceWhenALineArrivesAndCountsDrops(CapturedOutput output) {
		runner().withPropertyValues("pipe-io.channels.orphan.max-message-size=1KB").run((context) -> {
			assertThat(context).hasNotFailed();
			PipeChannel orphan = context.getBean(PipeChannelRegistry.class).getRequiredChannel("orphan");
			assertThat(orphan.hasListener()).isFalse();
			assertThat(orphan.isRunning()).isTrue();
			assertThat(output).as("a channel that only sends is fine: nothing at startup")
				.doesNotContain("has no @PipeListener");
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "orphan")) {
				client.send("a");
				await().untilAsserted(() -> assertThat(output).containsPattern(
						"WARN .*Channel 'orphan' has no" + " @PipeListener, but a line arrived on its in pipe "
								+ this.directory.resolve("orphan.in") + " and was dropped \\(1 dropped so far\\)"));
				client.send("b");
				client.send("c");
				await().until(() -> orphan.getStatistics().getDropped(DropReason.NO_LISTENER) == 3);
				assertThat(client.pendingLines()).isZero();
				assertThat(orphan.getStatistics().getSentMessages()).isZero();
				assertThat(output.toString().split("has no @PipeListener", -1)).as("warned once").hasSize(2);
			}
		});
	}

	@Test
	void stopAndRestartOfTheWholeRegistry() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			registry.stop();
			assertThat(registry.isRunning()).isFalse();
			assertThat(this.directory).isEmptyDirectory();
			registry.start();
			assertThat(registry.isRunning()).isTrue();
			assertThat(PipeTestClient.request(this.directory, "text", "back")).isEqualTo("text:back");
		});
	}

	@Test
	void pipesAreReadableByAShellClient() {
		runner().run((context) -> {
			String reply = ShellClient.run("exec 3<'" + this.directory.resolve("text.out") + "'; echo shell > '"
					+ this.directory.resolve("text.in") + "'; head -n1 <&3");
			assertThat(reply).isEqualTo("text:shell\n");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ResumeWhilePausing {

		volatile PipeChannelRegistry registry;

		volatile CompletableFuture<Void> resume;

		/** Told before the event publisher, which it would overtake. */
		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		PipeServerListener resumeWhilePausing() {
			return new PipeServerListener() {

				@Override
				public void onPausedChanged(PipeServer server, boolean paused) {
					PipeChannelRegistry channels = ResumeWhilePausing.this.registry;
					if (paused && channels != null && ResumeWhilePausing.this.resume == null) {
						ResumeWhilePausing.this.resume = ConcurrentCall
							.startAndGiveItAMoment(() -> channels.resume(server.getChannel()));
					}
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StopWhileStarting {

		volatile PipeChannelRegistry registry;

		volatile CompletableFuture<Void> stop;

		/** Stops every channel, as a shutdown would, while channel 'late' starts. */
		@Bean
		PipeServerListener stopWhileStarting() {
			return new PipeServerListener() {

				@Override
				public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
						Throwable cause) {
					PipeChannelRegistry channels = StopWhileStarting.this.registry;
					if (channels != null && server.getChannel().equals("late") && current == PipeServerState.STARTING
							&& StopWhileStarting.this.stop == null) {
						StopWhileStarting.this.stop = ConcurrentCall.startAndGiveItAMoment(channels::stop);
					}
				}

			};
		}

	}

}
