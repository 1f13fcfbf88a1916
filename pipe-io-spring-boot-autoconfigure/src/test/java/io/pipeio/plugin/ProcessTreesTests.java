package io.pipeio.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ProcessTrees} ends a tree whose processes keep starting more: none that one of
 * them started while the tree was being killed survives it.
 */
class ProcessTreesTests {

	private final String marker = "pipeio-tree-" + UUID.randomUUID();

	@AfterEach
	void killLeftovers() {
		marked().forEach(ProcessHandle::destroyForcibly);
	}

	@RepeatedTest(2)
	void aTreeThatKeepsForkingIsKilledWholeAfterTheTimeout() throws Exception {
		// Ignores SIGTERM (and so do its children) and starts a marked child after
		// another, each of which would outlive a parent killed without it.
		Process root = new ProcessBuilder("bash", "-c", "trap '' TERM; while :; do (exec -a \"$0\" sleep 30) & done",
				this.marker)
			.start();
		try {
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (marked().size() < 20 && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			assertThat(marked()).as("the tree started its children").hasSizeGreaterThanOrEqualTo(20);
			assertThat(ProcessTrees.terminate(root.toHandle(), Duration.ofMillis(200)))
				.as("what SIGTERM left and SIGKILL ended, described")
				.hasSizeGreaterThanOrEqualTo(20)
				.anyMatch((left) -> left.matches(root.pid() + " \\(bash, [A-Za-z]\\)"));
			assertThat(marked()).as("children of the tree left running").isEmpty();
		}
		finally {
			root.destroyForcibly();
		}
	}

	@Test
	void aTreeThatEndsOnSigtermIsNotKilled() throws Exception {
		Process root = new ProcessBuilder("bash", "-c", "sleep 30 & sleep 30 & wait", this.marker).start();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> root.descendants().count() == 2);
			// Long: a busy host may hold a process in the kernel (state D) for seconds.
			// Longer than a long of nanoseconds holds, too: that must wait, not overflow.
			assertThat(ProcessTrees.terminate(root.toHandle(), Duration.ofDays(200_000))).isEmpty();
			assertThat(root.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(root.exitValue()).isEqualTo(128 + 15);
		}
		finally {
			root.destroyForcibly();
		}
	}

	private List<ProcessHandle> marked() {
		return ProcessHandle.allProcesses()
			.filter((process) -> commandLine(process).contains(this.marker))
			.filter((process) -> !ExitWatch.hasExited(process))
			.toList();
	}

	/**
	 * As the process set it: the JDK's view starts with the executable's path instead.
	 */
	private static String commandLine(ProcessHandle process) {
		try {
			return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"),
					StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			return ""; // gone
		}
	}

}
