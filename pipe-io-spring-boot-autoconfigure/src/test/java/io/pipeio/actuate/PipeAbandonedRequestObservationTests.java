package io.pipeio.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.autoconfigure.PipeIoMetricsAutoConfiguration;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.plugin.PluginState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request whose caller gives up on it (cancels the future, completes it itself, or is
 * interrupted while waiting) still ends its observation once: otherwise the answer that
 * comes later skips the conversion that stops it, and the observation, its span and its
 * {@code pipeio.requests.active} task stay open for good.
 */
@Timeout(60)
class PipeAbandonedRequestObservationTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PipeIoAutoConfiguration.class, PipeIoMetricsAutoConfiguration.class))
			.withUserConfiguration(PipeRequestObservationTests.Observations.class)
			.withBean(Tracer.class, () -> Tracer.NOOP)
			.withPropertyValues("pipe-io.directory=" + this.directory,
					"pipe-io.channels.slow.plugin.command=sh,-c,while read l; do sleep 1; echo \"$l\"; done");
	}

	@Test
	void anAsyncRequestWhoseFutureIsCancelledIsStillStopped() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			await().until(() -> registry.getRequiredChannel("slow").getPlugin().getState() == PluginState.RUNNING);
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			CompletableFuture<String> answer = requests.sendAndReceiveAsync("slow", "a", Duration.ofSeconds(10));
			// as Mono.fromFuture(..).timeout(..) does
			answer.cancel(true);
			// the plug-in answers a second later
			Thread.sleep(2500);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			LongTaskTimer active = meters.find("pipeio.requests.active").longTaskTimer();
			assertThat(active).isNotNull();
			assertThat(active.activeTasks()).isZero();
			assertThat(context.getBean(PipeRequestObservationTests.Observations.class).requests()).hasSize(1);
		});
	}

	@Test
	void aSyncRequestWhoseCallerIsInterruptedIsStillStopped() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			await().until(() -> registry.getRequiredChannel("slow").getPlugin().getState() == PluginState.RUNNING);
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
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
			Thread.sleep(300);
			caller.interrupt();
			caller.join();
			assertThat(failure.get()).isInstanceOf(IllegalStateException.class);
			Thread.sleep(2500);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			LongTaskTimer active = meters.find("pipeio.requests.active").longTaskTimer();
			assertThat(active).isNotNull();
			assertThat(active.activeTasks()).isZero();
			assertThat(context.getBean(PipeRequestObservationTests.Observations.class).requests()).hasSize(1);
		});
	}

}
