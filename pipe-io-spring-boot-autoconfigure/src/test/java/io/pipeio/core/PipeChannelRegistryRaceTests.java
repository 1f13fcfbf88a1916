package io.pipeio.core;

import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.pipeio.autoconfigure.PipeChannelSettingsFactory;
import io.pipeio.plugin.PluginSettings;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeServerState;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.ListenerEndpoint;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Channels added at runtime while other threads remove them or start the registry. One
 * removed while it is being added is not started by the add: it would run in no table,
 * which no stop ever reaches, with its pipes and meters, after the context closed. One
 * added while the registry starts, by a runtime registration or declared for a listener,
 * is not started before its listener is attached. One removed while the registry stops is
 * stopped when the registry's stop returns.
 */
@Timeout(120)
class PipeChannelRegistryRaceTests {

	@TempDir
	Path directory;

	@Test
	void aChannelUnregisteredWhileItIsRegisteredIsNotLeftRunning() {
		AtomicReference<PipeChannel> orphan = new AtomicReference<>();
		PipeIoContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
			for (int i = 0; i < 200 && orphan.get() == null; i++) {
				String name = "w" + i;
				CompletableFuture<Void> remover = CompletableFuture.runAsync(() -> {
					long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
					while (!registry.unregister(name) && System.nanoTime() < end) {
						Thread.onSpinWait();
					}
				});
				PipeChannel channel;
				try {
					channel = registry.register(name, factory.createDefault(name), (line, target) -> line);
				}
				catch (IllegalStateException ex) {
					// removed before it started: said so, nothing runs
					remover.join();
					continue;
				}
				remover.join();
				assertThat(registry.getChannel(name)).isNull();
				if (channel.isRunning()) {
					orphan.set(channel);
				}
			}
		});
		assertThat(orphan.get()).as("a channel started after it was removed").isNull();
	}

	/**
	 * The registry's start, on another thread, starts the channels it finds: it must not
	 * find one whose listener is still being attached, which would drop what it read
	 * meanwhile, here the first line of its plug-in.
	 */
	@Test
	void aChannelRegisteredWhileTheChannelsStartIsStartedWithItsListener() {
		PipeIoContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
			registry.stop();
			CountDownLatch attaching = new CountDownLatch(1);
			CountDownLatch attach = new CountDownLatch(1);
			// holds the registration while its listener is being attached
			registry.setListenerDecorators(List.of((channel, listener) -> {
				attaching.countDown();
				try {
					attach.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return listener;
			}));
			PluginSettings greeter = PluginSettings.of(List.of("sh", "-c", "echo hello; exec cat > /dev/null"));
			List<String> received = new CopyOnWriteArrayList<>();
			CompletableFuture<PipeChannel> registering = CompletableFuture.supplyAsync(
					() -> registry.register("late", factory.createDefault("late").withPlugin(greeter), (line, ctx) -> {
						received.add(new String(line, StandardCharsets.UTF_8));
						return null;
					}));
			try {
				assertThat(attaching.await(30, TimeUnit.SECONDS)).isTrue();
				registry.start();
				PipeChannel early = registry.getChannel("late");
				assertThat(early == null || !early.isRunning()).as("started before its listener was attached").isTrue();
			}
			finally {
				attach.countDown();
			}
			PipeChannel channel = registering.join();
			await().until(() -> received.contains("hello"));
			assertThat(channel.getStatistics().getDropped(DropReason.NO_LISTENER)).isZero();
			assertThat(channel.getPlugin().getRestarts()).isZero();
		});
	}

	/**
	 * A listener of a channel nobody configured declares the channel, then creates the
	 * listener (bean code, not run under the registry's locks): the registry's start, on
	 * another thread meanwhile, must not start the channel without its listener, which
	 * would drop the lines it read.
	 */
	@Test
	void aChannelDeclaredForAListenerWhileTheChannelsStartIsStartedWithItsListener() {
		PipeIoContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			registry.stop();
			HeldListenerEndpoint slow = new HeldListenerEndpoint(new ListenerEndpoint("late", (line, ctx) -> line));
			CompletableFuture<PipeChannel> registering = CompletableFuture
				.supplyAsync(() -> registry.registerListener(slow));
			try {
				assertThat(slow.creating.await(30, TimeUnit.SECONDS)).isTrue();
				registry.start();
				PipeChannel early = registry.getChannel("late");
				assertThat(early == null || !early.isRunning()).as("started before its listener was attached").isTrue();
			}
			finally {
				slow.create.countDown();
			}
			PipeChannel channel = registering.join();
			assertThat(PipeTestClient.request(this.directory, "late", "hi")).isEqualTo("hi");
			assertThat(channel.getStatistics().getDropped(DropReason.NO_LISTENER)).isZero();
		});
	}

	/**
	 * An operator's start of one channel, while the listener it was declared for is being
	 * created, is refused rather than start it without the listener; the channel starts
	 * with it once it is there.
	 */
	@Test
	void aChannelWhoseListenerIsBeingAttachedIsNotStartedByName() {
		PipeIoContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			HeldListenerEndpoint slow = new HeldListenerEndpoint(new ListenerEndpoint("late", (line, ctx) -> line));
			CompletableFuture<PipeChannel> registering = CompletableFuture
				.supplyAsync(() -> registry.registerListener(slow));
			try {
				assertThat(slow.creating.await(30, TimeUnit.SECONDS)).isTrue();
				assertThatIllegalStateException().isThrownBy(() -> registry.start("late"))
					.withMessage("Cannot start channel 'late' yet: its listener is being attached; "
							+ "it starts once that is done");
				assertThat(registry.getRequiredChannel("late").isRunning()).isFalse();
			}
			finally {
				slow.create.countDown();
			}
			PipeChannel channel = registering.join();
			assertThat(channel.isRunning()).isTrue();
			assertThat(PipeTestClient.request(this.directory, "late", "hi")).isEqualTo("hi");
			assertThat(channel.getStatistics().getDropped(DropReason.NO_LISTENER)).isZero();
		});
	}

	/**
	 * A channel being unregistered is no longer among the channels the registry's stop
	 * stops, but it still runs, here its plug-in, which takes its time to exit: the stop
	 * must not return before it is gone (the application may exit then, and the plug-in
	 * outlive it), nor close the dead-letter files it may still write.
	 */
	@Test
	void theChannelsStopOnceAChannelBeingUnregisteredStopped(@TempDir Path plugin) throws Exception {
		Path pid = plugin.resolve("pid");
		Path terminating = plugin.resolve("terminating");
		Path release = plugin.resolve("release");
		// Asked to stop (SIGTERM), the plug-in says so and exits only once released.
		String script = "trap 'touch \"$TERMINATING\"; while [ ! -e \"$RELEASE\" ]; do sleep 0.01; done; exit 0' TERM;"
				+ " echo $$ > \"$PID.tmp\"; mv \"$PID.tmp\" \"$PID\"; while :; do sleep 1000 & wait $!; done";
		PluginSettings slow = PluginSettings.of(List.of("sh", "-c", script))
			.withStopTimeout(Duration.ofSeconds(60))
			.withProcess(null,
					Map.of("PID", pid.toString(), "TERMINATING", terminating.toString(), "RELEASE", release.toString()),
					true);
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=60s")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
				PipeChannel channel = registry.register("leaving", factory.createDefault("leaving").withPlugin(slow),
						(line, ctx) -> null);
				await().until(() -> Files.exists(pid));
				ProcessHandle process = ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).orElseThrow();
				CompletableFuture<Boolean> unregistering = CompletableFuture
					.supplyAsync(() -> registry.unregister("leaving"));
				Thread stopping = new Thread(registry::stop, "test-stop");
				try {
					await().until(() -> Files.exists(terminating));
					stopping.start();
					// returned, or waiting for the channel being unregistered
					await().until(() -> !stopping.isAlive() || stopping.getState() == Thread.State.TIMED_WAITING);
					assertThat(stopping.isAlive()).as("the stop returned while a channel being unregistered ran")
						.isTrue();
				}
				finally {
					Files.createFile(release);
				}
				stopping.join();
				assertThat(process.isAlive()).as("the plug-in of a removed channel outlived the stop").isFalse();
				assertThat(channel.getState()).isEqualTo(PipeServerState.STOPPED);
				assertThat(unregistering.join()).isTrue();
			});
	}

	/**
	 * A channel an operator stops by name is no longer running while it drains its queued
	 * replies, but it is not stopped yet: the registry's stop at shutdown must not return
	 * before it is, with its pipes still there and its lines still being written (the
	 * application may exit then).
	 */
	@Test
	void theChannelsStopOnceAChannelBeingStoppedByNameStopped() throws Exception {
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=6s",
					"pipe-io.channels.draining.auto-startup=true")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannel channel = registry.getRequiredChannel("draining");
				// A client holds the out pipe open and reads nothing: the stop drains
				// until its timeout.
				try (FileInputStream client = new FileInputStream(this.directory.resolve("draining.out").toFile())) {
					byte[] line = "x".repeat(1999).getBytes(StandardCharsets.US_ASCII);
					for (int i = 0; i < 100; i++) {
						channel.sendAsync(line);
					}
					Thread byName = new Thread(() -> registry.stop("draining"), "test-stop-by-name");
					byName.setDaemon(true);
					byName.start();
					await().until(() -> channel.getState() == PipeServerState.STOPPING);
					registry.stop();
					assertThat(channel.getState()).as("the channel when the channels' stop returned")
						.isEqualTo(PipeServerState.STOPPED);
					assertThat(this.directory.resolve("draining.out")).doesNotExist();
					byName.join(TimeUnit.SECONDS.toMillis(10));
					assertThat(byName.isAlive()).isFalse();
				}
			});
	}

	/**
	 * Holds the creation of its listener (bean code, run outside the registry's locks)
	 * until released, so that a test can act on the registry meanwhile.
	 */
	private static final class HeldListenerEndpoint implements PipeListenerEndpoint {

		final CountDownLatch creating = new CountDownLatch(1);

		final CountDownLatch create = new CountDownLatch(1);

		private final PipeListenerEndpoint endpoint;

		HeldListenerEndpoint(PipeListenerEndpoint endpoint) {
			this.endpoint = endpoint;
		}

		@Override
		public String getChannel() {
			return this.endpoint.getChannel();
		}

		@Override
		public String getDescription() {
			return this.endpoint.getDescription();
		}

		@Override
		public @Nullable PipeErrorHandler getErrorHandler() {
			return null;
		}

		@Override
		public PipeMessageListener createListener(PipeChannelContext channel) {
			this.creating.countDown();
			try {
				this.create.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return this.endpoint.createListener(channel);
		}

	}

}
