package io.pipeio.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.plugin.PluginState;
import io.pipeio.testsupport.ChannelHealth;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plug-in whose processes are all stopped by a signal ({@code kill -STOP}) shows
 * {@code suspended} and makes its channel DOWN, with what to do, until it is continued or
 * restarted (a restart continues it, so it takes its SIGTERM); its state stays
 * {@code RUNNING}, as pipe-io did not stop it. A wrapper stopped while its child serves
 * is not suspended.
 */
@Timeout(120)
class PipeSuspendedPluginHealthTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	@Test
	void aPluginStoppedBySignalIsDownUntilContinuedOrRestarted() {
		PipeIoContextRunners.withActuator(this.directory)
			.withPropertyValues("pipe-io.channels.upper.plugin.command=cat",
					"management.endpoints.web.exposure.include=pipeio")
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("upper");
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				await().atMost(WAIT).until(() -> channel.getPlugin().getState() == PluginState.RUNNING);
				assertThat(requests.sendAndReceive("upper", "a", WAIT)).isEqualTo("a");
				assertRunningAndUp(context);

				long pid = channel.getPlugin().getPid();
				signal("STOP", pid);
				awaitSuspended(context, pid);
				assertThat(channel.getPlugin().getState()).isEqualTo(PluginState.RUNNING);
				signal("CONT", pid);
				await().atMost(WAIT).untilAsserted(() -> assertRunningAndUp(context));
				assertThat(requests.sendAndReceive("upper", "b", WAIT)).isEqualTo("b");

				signal("STOP", pid);
				awaitSuspended(context, pid);
				context.getBean(PipeIoEndpoint.class).change("upper", "restart");
				await().atMost(WAIT)
					.until(() -> channel.getPlugin().getState() == PluginState.RUNNING
							&& channel.getPlugin().getPid() != pid);
				assertRunningAndUp(context);
				// continued, it ended on its SIGTERM (143), not on the SIGKILL after the
				// stop timeout (137)
				assertThat(channel.getPlugin().getLastExitCode()).isEqualTo(143);
				assertThat(requests.sendAndReceive("upper", "c", WAIT)).isEqualTo("c");
				assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
			});
	}

	@Test
	void aWrapperStoppedWhileItsChildServesIsNotSuspended() {
		PipeIoContextRunners.withActuator(this.directory)
			.withPropertyValues("pipe-io.channels.upper.plugin.command=sh,-c,cat; :")
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("upper");
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				await().atMost(WAIT).until(() -> channel.getPlugin().getState() == PluginState.RUNNING);
				assertThat(requests.sendAndReceive("upper", "a", WAIT)).isEqualTo("a");
				long wrapper = channel.getPlugin().getPid();
				long child = ProcessHandle.of(wrapper).orElseThrow().children().findFirst().orElseThrow().pid();
				signal("STOP", wrapper);
				await().atMost(WAIT).until(() -> ProcessState.isStopped(wrapper));
				assertThat(requests.sendAndReceive("upper", "b", WAIT)).isEqualTo("b");
				assertRunningAndUp(context);
				signal("STOP", child);
				awaitSuspended(context, wrapper);
				signal("CONT", child);
				signal("CONT", wrapper);
				await().atMost(WAIT).untilAsserted(() -> assertRunningAndUp(context));
			});
	}

	private static void awaitSuspended(AssertableApplicationContext context, long pid) {
		await().atMost(WAIT).untilAsserted(() -> {
			Health health = ChannelHealth.of(context, "upper");
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails().get("reason").toString()).contains("are all stopped by a signal",
					"kill -CONT", "restart the plug-in");
			assertThat(plugin(health)).containsEntry("suspended", true).containsEntry("state", "RUNNING");
		});
	}

	private static void assertRunningAndUp(AssertableApplicationContext context) {
		Health health = ChannelHealth.of(context, "upper");
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(plugin(health)).containsEntry("state", "RUNNING").doesNotContainKey("suspended");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> plugin(Health health) {
		return (Map<String, Object>) health.getDetails().get("plugin");
	}

	private static void signal(String signal, long pid) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
		assertThat(kill.waitFor()).isZero();
	}

	/** The state letter of {@code /proc/<pid>/stat}. */
	static final class ProcessState {

		static boolean isStopped(long pid) throws Exception {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
		}

	}

}
