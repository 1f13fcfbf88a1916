package io.pipeio.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.pipeio.plugin.PluginState;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.Python;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request waiting for its answer times out on time even while the JVM's timer, which
 * fires every {@code CompletableFuture.orTimeout}, is held up by a callback that blocks.
 */
@Timeout(120)
class PipeTemplateSharedTimerTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** Reads every line and answers none. */
	private static final String SILENT = "import sys\nfor line in sys.stdin:\n    pass\n";

	private final CountDownLatch release = new CountDownLatch(1);

	@TempDir
	Path directory;

	@AfterEach
	void releaseTheTimer() {
		this.release.countDown();
	}

	@Test
	void aRequestTimesOutWhileAnApplicationsTimeoutCallbackBlocks() throws Exception {
		runner().run((context) -> {
			PipeRequestOperations requests = requests(context);
			CountDownLatch blocking = new CountDownLatch(1);
			// The callback is there before the timer starts, so the timer's thread runs
			// it, never this one.
			CompletableFuture<Object> timedOut = new CompletableFuture<>();
			timedOut.whenComplete((value, failure) -> block(blocking));
			timedOut.orTimeout(1, TimeUnit.MILLISECONDS);
			assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
			assertTimesOut(requests);
		});
	}

	@Test
	void aRequestTimesOutWhileTheCallbackOfAnEarlierTimedOutRequestBlocks() throws Exception {
		runner().run((context) -> {
			PipeRequestOperations requests = requests(context);
			CountDownLatch blocking = new CountDownLatch(1);
			// Long enough for the callback to be there before it times out, so the
			// timer's thread runs it, never this one.
			requests.sendAndReceiveAsync("calc", "first", Duration.ofSeconds(1))
				.whenComplete((value, failure) -> block(blocking));
			assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
			assertTimesOut(requests);
		});
	}

	private ApplicationContextRunner runner() throws Exception {
		Path script = Files.writeString(this.directory.resolve("silent.py"), SILENT);
		return PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=" + Python.interpreter(),
					"pipe-io.channels.calc.plugin.command[1]=" + script);
	}

	private static PipeRequestOperations requests(ApplicationContext context) {
		PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
		await().atMost(WAIT).until(() -> channel.getPlugin().getState() == PluginState.RUNNING);
		return context.getBean(PipeRequestOperations.class);
	}

	private static void assertTimesOut(PipeRequestOperations requests) throws Exception {
		CompletableFuture<String> call = CompletableFuture
			.supplyAsync(() -> requests.sendAndReceive("calc", "never answered", Duration.ofMillis(200)), (task) -> {
				Thread thread = new Thread(task, "test-caller");
				thread.setDaemon(true);
				thread.start();
			});
		assertThat(call).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(PipeRequestException.class)
			.satisfies(
					(ex) -> assertThat(((PipeRequestException) ex).getOutcome()).isEqualTo(PipeRequestOutcome.TIMEOUT));
	}

	private void block(CountDownLatch blocking) {
		blocking.countDown();
		try {
			this.release.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
