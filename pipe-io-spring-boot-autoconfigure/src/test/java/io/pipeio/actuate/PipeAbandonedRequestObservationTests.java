package io.pipeio.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.plugin.PluginState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request whose caller gives up on it (cancels the future, completes it itself, or is
 * interrupted while waiting) ends its observation then, once: otherwise the answer that
 * comes later skips the conversion that stops it, and the observation, its span and its
 * {@code pipeio.requests.active} task stay open for good.
 */
@Timeout(60)
class PipeAbandonedRequestObservationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		// answers each line a second after it came
		return PipeRequestObservationTests.runner(this.directory)
			.withBean(Tracer.class, () -> Tracer.NOOP)
			.withPropertyValues(
					"pipe-io.channels.slow.plugin.command=sh,-c,while read l; do sleep 1; echo \"$l\"; done");
	}

	@Test
	void anAsyncRequestWhoseFutureIsCancelledIsStillStopped() {
		runner().run((context) -> {
			PipeRequestOperations requests = awaitPlugin(context);
			CompletableFuture<String> answer = requests.sendAndReceiveAsync("slow", "a", Duration.ofSeconds(10));
			// as Mono.fromFuture(..).timeout(..) does
			answer.cancel(true);
			assertStoppedOnce(context);
		});
	}

	@Test
	void aSyncRequestWhoseCallerIsInterruptedIsStillStopped() {
		runner().run((context) -> {
			PipeRequestOperations requests = awaitPlugin(context);
			AtomicReference<Throwable> failure = new AtomicReference<>();
			Thread caller = new Thread(() -> {
				try {
					requests.sendAndReceive("slow", "a", Duration.ofSeconds(10));
				}
				catch (Throwable ex) {
					failure.set(ex);
				}
			});
			caller.start();
			// waiting for the answer, which takes a second
			await().atMost(WAIT).until(() -> caller.getState() == Thread.State.TIMED_WAITING);
			caller.interrupt();
			caller.join();
			assertThat(failure.get()).isInstanceOf(IllegalStateException.class);
			assertStoppedOnce(context);
		});
	}

	private static PipeRequestOperations awaitPlugin(AssertableApplicationContext context) {
		PipeChannel slow = context.getBean(PipeChannelRegistry.class).getRequiredChannel("slow");
		await().atMost(WAIT).until(() -> slow.getPlugin().getState() == PluginState.RUNNING);
		return context.getBean(PipeRequestOperations.class);
	}

	/**
	 * Stopped when the caller gave up, and not again when the answer comes (a moment
	 * later).
	 */
	private static void assertStoppedOnce(AssertableApplicationContext context) {
		assertActiveTasksZeroAndOneObservation(context);
		PipeChannel slow = context.getBean(PipeChannelRegistry.class).getRequiredChannel("slow");
		await().atMost(WAIT).until(() -> slow.getStatistics().getReceivedMessages() == 1);
		assertActiveTasksZeroAndOneObservation(context);
	}

	private static void assertActiveTasksZeroAndOneObservation(AssertableApplicationContext context) {
		LongTaskTimer active = context.getBean(MeterRegistry.class).find("pipeio.requests.active").longTaskTimer();
		assertThat(active).isNotNull();
		assertThat(active.activeTasks()).isZero();
		assertThat(context.getBean(PipeRequestObservationTests.Observations.class).requests()).hasSize(1);
	}

}
