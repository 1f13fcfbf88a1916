package io.pipeio.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.CountDownLatch;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.Python;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plug-in is watched and stopped without the common fork-join pool, which the
 * application may keep busy: its exit is seen and it is restarted, and a stop sees it end
 * on SIGTERM, while every thread of that pool is blocked.
 */
@Timeout(180)
@ExtendWith(OutputCaptureExtension.class)
class PluginBusyCommonPoolTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

	/** Upper-cases each line; {@code die} exits 1 at once. Ends on SIGTERM (143). */
	private static final String PLUGIN = String.join("\n", "import sys, os", "for line in sys.stdin:",
			"    line = line.rstrip('\\n')", "    if line == 'die':", "        os._exit(1)",
			"    sys.stdout.write(line.upper() + '\\n'); sys.stdout.flush()");

	private final CountDownLatch release = new CountDownLatch(1);

	@TempDir
	Path directory;

	@AfterEach
	void releaseThePool() {
		this.release.countDown();
	}

	@Test
	void aPluginThatDiesIsRestartedWhileTheCommonPoolIsBusy() throws Exception {
		runner().run((context) -> {
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			PluginSupervisor plugin = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc").getPlugin();
			assertThat(requests.sendAndReceive("calc", "first", WAIT)).isEqualTo("FIRST");
			occupyTheCommonPool();
			assertThat(requests.sendAndReceiveAsync("calc", "die", WAIT)).failsWithin(Duration.ofSeconds(10));
			assertThat(requests.sendAndReceive("calc", "after", WAIT)).isEqualTo("AFTER");
			assertThat(plugin.getRestarts()).isEqualTo(1);
			assertThat(plugin.getLastExitCode()).isEqualTo(1);
		});
	}

	@Test
	void aPluginEndingOnSigtermIsSeenToEndWhileTheCommonPoolIsBusy(CapturedOutput output) throws Exception {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PluginSupervisor plugin = registry.getRequiredChannel("calc").getPlugin();
			await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
			occupyTheCommonPool();
			long start = System.nanoTime();
			registry.stop("calc");
			// Seen to end rather than waited for until the stop timeout and then killed.
			// Its exit code would not tell: killed after it took the SIGTERM, it is 143.
			// The timeout is long because a process can take many seconds to end on a
			// busy host, while it waits in the kernel (state D).
			assertThat(output).doesNotContain("was killed");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(STOP_TIMEOUT);
			assertThat(plugin.getLastExitCode()).isEqualTo(143);
		});
	}

	private ApplicationContextRunner runner() throws Exception {
		Path script = this.directory.resolve("calc.py");
		Files.writeString(script, PLUGIN);
		return PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=" + Python.interpreter(),
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.backoff.initial=100ms",
					"pipe-io.channels.calc.plugin.stop-timeout=" + STOP_TIMEOUT.toSeconds() + "s",
					"spring.lifecycle.timeout-per-shutdown-phase=" + (STOP_TIMEOUT.toSeconds() + 30) + "s");
	}

	/**
	 * Block every thread that runs {@link CompletableFuture}'s asynchronous tasks by
	 * default (the common pool, unless it has a single thread on a JDK that then starts a
	 * thread per task) until the test ends.
	 */
	private void occupyTheCommonPool() {
		List<CompletableFuture<Void>> tasks = new ArrayList<>();
		for (int i = 0; i < Math.max(1, ForkJoinPool.getCommonPoolParallelism()); i++) {
			tasks.add(CompletableFuture.runAsync(() -> {
				try {
					this.release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}));
		}
		assertThat(tasks).noneMatch(CompletableFuture::isDone);
	}

}
