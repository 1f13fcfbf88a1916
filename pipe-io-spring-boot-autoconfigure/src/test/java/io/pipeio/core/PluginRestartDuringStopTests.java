package io.pipeio.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.pipeio.autoconfigure.PipeChannelSettingsFactory;
import io.pipeio.plugin.PluginSettings;
import io.pipeio.plugin.PluginState;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.PipeServerState;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An operator's restart of a plug-in that ignores SIGTERM, under way as the application
 * stops: the stop ends the plug-in within the shutdown's timeout, not the plug-in's
 * longer stop timeout, and the restart launches nothing after it.
 */
@Timeout(120)
class PluginRestartDuringStopTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path directory;

	@Test
	void aRestartUnderWayDoesNotLetAPluginThatIgnoresSigtermOutliveTheChannelsStop() {
		Path pid = this.directory.resolve("pid");
		Path terminated = this.directory.resolve("terminated");
		String script = "trap 'touch \"$TERMINATED\"' TERM; echo $$ > \"$PID.tmp\"; mv \"$PID.tmp\" \"$PID\";"
				+ " while :; do sleep 0.05; done";
		PluginSettings stubborn = PluginSettings.of(List.of("sh", "-c", script))
			.withStopTimeout(Duration.ofSeconds(60))
			.withProcess(null, Map.of("PID", pid.toString(), "TERMINATED", terminated.toString()), true);
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=2s")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
				PipeChannel channel = registry.register("stubborn",
						factory.createDefault("stubborn").withPlugin(stubborn), (line, ctx) -> null);
				PluginSupervisor plugin = Objects.requireNonNull(channel.getPlugin());
				await().atMost(WAIT).until(() -> Files.exists(pid));
				ProcessHandle first = ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).orElseThrow();
				Files.delete(pid);
				Thread restart = new Thread(plugin::restart, "operator-restart");
				try {
					restart.start();
					// SIGTERM was sent, and ignored: the restart waits for the plug-in
					await().atMost(WAIT).until(() -> Files.exists(terminated));
					registry.stop();
					// Killed within the shutdown's timeout, not the plug-in's. The kill
					// and the channel's drain are to end within it as well, but on a busy
					// machine they may still be under way when the registry's stop
					// returns (a quarter second beyond the timeout): they are given a few
					// seconds, not the minute of the plug-in's stop timeout.
					await("the plug-in outlived the channels' stop").atMost(Duration.ofSeconds(5))
						.until(() -> !first.isAlive());
					await("the channel's stop").atMost(Duration.ofSeconds(5))
						.until(() -> channel.getState() == PipeServerState.STOPPED);
					restart.join(WAIT.toMillis());
					assertThat(restart.isAlive()).isFalse();
					assertThat(pid).as("a plug-in launched after the stop").doesNotExist();
					assertThat(plugin.getState()).isEqualTo(PluginState.STOPPED);
					assertThat(plugin.getPid()).isNull();
					assertThat(channel.getState()).isEqualTo(PipeServerState.STOPPED);
				}
				finally {
					first.destroyForcibly();
				}
			});
	}

}
