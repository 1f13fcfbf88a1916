package io.pipeio.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Processes a plug-in started and that left its process tree (their parent exited) still
 * hold its stdout, the channel's in pipe: they are ended with it, so that none answers
 * the next instance's requests or outlives the channel.
 */
@Timeout(60)
class PluginLeftoverProcessesTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path directory;

	private final Path pidFile = Path.of("leftover.pid");

	@AfterEach
	void killLeftover() throws Exception {
		Path file = this.directory.resolve(this.pidFile);
		if (Files.exists(file)) {
			ProcessHandle.of(Long.parseLong(Files.readString(file).trim())).ifPresent(ProcessHandle::destroyForcibly);
		}
	}

	/**
	 * Whether a process exited: gone, or a zombie, which the system's first process may
	 * reap a while later (or, in a container, never).
	 */
	private static boolean hasExited(long pid) throws IOException {
		Path stat = Path.of("/proc", Long.toString(pid), "stat");
		if (!Files.exists(stat)) {
			return ProcessHandle.of(pid).isEmpty();
		}
		try {
			String status = Files.readString(stat);
			// the state follows the command, which is in parentheses and may hold any
			return status.charAt(status.lastIndexOf(')') + 2) == 'Z';
		}
		catch (NoSuchFileException ex) {
			return true;
		}
	}

	@Test
	void whatAPluginThatCrashedLeftRunningDoesNotAnswerTheNextInstancesRequests() throws Exception {
		Path marker = this.directory.resolve("crashed-once");
		Path pid = this.directory.resolve(this.pidFile);
		// The first instance starts a worker in the background and dies; the worker would
		// write a line a moment later, while the next instance takes its time to answer.
		Path script = Files.writeString(this.directory.resolve("plugin.sh"),
				"if [ ! -f " + marker + " ]; then\n" + "  touch " + marker + "\n"
						+ "  (sleep 1; echo stray) 2>/dev/null &\n" + "  echo $! > " + pid + "\n" + "  exit 3\n"
						+ "fi\n" + "while read line; do sleep 2; echo \"re:$line\"; done\n");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=bash",
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.backoff.initial=100ms")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PluginSupervisor plugin = Objects.requireNonNull(registry.getRequiredChannel("calc").getPlugin());
				await().atMost(WAIT).until(() -> plugin.getRestarts() == 1 && plugin.getPid() != null);
				long leftover = Long.parseLong(Files.readString(pid).trim());
				assertThat(hasExited(leftover)).isTrue();
				assertThat(context.getBean(PipeRequestOperations.class).sendAndReceive("calc", "q", WAIT))
					.isEqualTo("re:q");
			});
	}

	@Test
	void whatAPluginStartedThatLeftItsTreeEndsWithTheChannel() throws Exception {
		Path pid = this.directory.resolve(this.pidFile);
		// A subshell that exits at once leaves its background sleep to the system's
		// first process: no longer a descendant of the plug-in.
		Path script = Files.writeString(this.directory.resolve("plugin.sh"),
				"( sleep 1000 & echo $! > " + pid + " )\n" + "exec cat\n");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=bash",
					"pipe-io.channels.calc.plugin.command[1]=" + script)
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PluginSupervisor plugin = Objects.requireNonNull(registry.getRequiredChannel("calc").getPlugin());
				await().atMost(WAIT).until(() -> Files.exists(pid) && !Files.readString(pid).isBlank());
				long leftover = Long.parseLong(Files.readString(pid).trim());
				ProcessHandle sleeper = ProcessHandle.of(leftover).orElseThrow();
				assertThat(ProcessHandle.of(Objects.requireNonNull(plugin.getPid())).orElseThrow().descendants())
					.doesNotContain(sleeper);
				registry.stop("calc");
				assertThat(hasExited(leftover)).isTrue();
			});
	}

}
