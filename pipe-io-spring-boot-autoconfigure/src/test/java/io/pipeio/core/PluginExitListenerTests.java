package io.pipeio.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import io.pipeio.autoconfigure.PipeChannelSettingsFactory;
import io.pipeio.event.PipePluginExitedEvent;
import io.pipeio.plugin.PluginSettings;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.PipeServerState;
import io.pipeio.testsupport.Latches;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ApplicationListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application's listener told of a plug-in's exit may stop the plug-in's channel, also
 * while an operator or a shutdown stops it on another thread: the listener is told with
 * no lock of the plug-in's supervisor held, so neither stop waits for the other.
 */
@Timeout(120)
class PluginExitListenerTests {

	private static final Duration STOPPED_WITHIN = Duration.ofSeconds(20);

	@TempDir
	Path directory;

	private final CountDownLatch exiting = new CountDownLatch(1);

	private final CountDownLatch release = new CountDownLatch(1);

	private final AtomicReference<@Nullable PipeChannelRegistry> registry = new AtomicReference<>();

	@Test
	void aListenerStoppingTheChannelOnAnExitDoesNotDeadlockWithAStopOnAnotherThread() {
		ApplicationListener<PipePluginExitedEvent> stopOnExit = this::stopTheChannel;
		PipeIoContextRunners.withDirectory(this.directory)
			.withBean("stopOnExit", ApplicationListener.class, () -> stopOnExit)
			.run((context) -> {
				PipeChannelRegistry channels = context.getBean(PipeChannelRegistry.class);
				this.registry.set(channels);
				PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
				// one process, no children: killed below, it leaves nothing behind
				PluginSettings plugin = PluginSettings.of(List.of("sleep", "1000"));
				PipeChannel channel = channels.register("p", factory.createDefault("p").withPlugin(plugin),
						(line, ctx) -> null);
				PluginSupervisor supervisor = Objects.requireNonNull(channel.getPlugin());
				await().atMost(STOPPED_WITHIN).until(() -> supervisor.getPid() != null);
				ProcessHandle process = ProcessHandle.of(Objects.requireNonNull(supervisor.getPid())).orElseThrow();
				process.destroyForcibly();
				await().atMost(STOPPED_WITHIN).until(() -> this.exiting.getCount() == 0);
				// The operator's stop while the listener is told of the exit.
				Thread operator = new Thread(() -> channels.stop("p"), "operator-stop");
				operator.start();
				try {
					await().atMost(STOPPED_WITHIN).until(() -> !operator.isAlive());
				}
				finally {
					this.release.countDown();
				}
				assertThat(channel.getState()).isEqualTo(PipeServerState.STOPPED);
				assertThat(supervisor.getPid()).isNull();
				assertThat(process.isAlive()).isFalse();
			});
	}

	/**
	 * Stop the plug-in's channel, as "its plug-in went away: stop it" would: once the
	 * test lets it, deaf to the interrupt of the executor the operator's stop ends.
	 */
	private void stopTheChannel(PipePluginExitedEvent event) {
		if (this.exiting.getCount() == 0) {
			return;
		}
		this.exiting.countDown();
		Latches.awaitDeafly(this.release);
		Objects.requireNonNull(this.registry.get()).stop(event.getChannel());
	}

}
