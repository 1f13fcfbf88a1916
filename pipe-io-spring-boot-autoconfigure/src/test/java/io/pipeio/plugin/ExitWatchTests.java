package io.pipeio.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.pipeio.testsupport.Python;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ExitWatch} tells a process that exited from one that runs, also while it waits
 * as a zombie for a parent that does not reap it.
 */
class ExitWatchTests {

	@Test
	void aZombieHasExitedThoughItsHandleStillReportsItAlive() throws Exception {
		// Python forks a child that exits at once, then becomes a sleep, which never
		// reaps it: the child stays a zombie while the sleep runs. Not bash: a child that
		// ends before bash execs is reaped by bash's SIGCHLD handler, and no zombie is
		// left. Python reaps nothing it is not asked to.
		Process parent = new ProcessBuilder(Python.interpreter(), "-c",
				"import os\nif os.fork() == 0:\n    os._exit(0)\nos.execvp('sleep', ['sleep', '1000'])")
			.start();
		try {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> parent.toHandle().children().anyMatch(ExitWatchTests::isZombie));
			ProcessHandle zombie = parent.toHandle().children().filter(ExitWatchTests::isZombie).findFirst().get();
			assertThat(zombie.isAlive()).isTrue();
			assertThat(ExitWatch.hasExited(zombie)).isTrue();
			assertThat(ExitWatch.awaitExit(zombie, System.nanoTime() + Duration.ofSeconds(5).toNanos())).isTrue();
			assertThat(ExitWatch.hasExited(parent.toHandle())).isFalse();
		}
		finally {
			parent.destroyForcibly().waitFor();
		}
		assertThat(ExitWatch.hasExited(parent.toHandle())).isTrue();
	}

	private static boolean isZombie(ProcessHandle process) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
			return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
		}
		catch (IOException ex) {
			return false;
		}
	}

}
