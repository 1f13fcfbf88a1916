package io.pipeio.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.autoconfigure.PipeIoMetricsAutoConfiguration;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeRequestException;
import io.pipeio.core.PipeRequestObserver;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.core.PipeRequestOutcome;
import io.pipeio.plugin.PluginState;
import io.pipeio.testsupport.StoppedObservations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Requests are observations when tracing is configured, children of the caller's current
 * observation, and give the {@code pipeio.requests} timer through the observation's meter
 * handler; without a tracer the timer is recorded directly and nothing is observed.
 */
@Timeout(60)
class PipeRequestObservationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return runner(this.directory).withPropertyValues("pipe-io.channels.echo.plugin.command=cat",
				"pipe-io.channels.quiet.charset=UTF-8");
	}

	/**
	 * @param directory the pipe directory
	 * @return pipe-io and its metrics, with {@link Observations}' registries
	 */
	static ApplicationContextRunner runner(Path directory) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PipeIoAutoConfiguration.class, PipeIoMetricsAutoConfiguration.class))
			.withUserConfiguration(Observations.class)
			.withPropertyValues("pipe-io.directory=" + directory);
	}

	@Test
	void aRequestIsAChildObservationOfTheCallersWhenATracerIsConfigured() {
		List<PipeRequestOutcome> toldTheApplication = new CopyOnWriteArrayList<>();
		runner().withBean(Tracer.class, () -> Tracer.NOOP)
			.withBean("myObserver", PipeRequestObserver.class,
					() -> (channel, outcome, duration) -> toldTheApplication.add(outcome))
			.run((context) -> {
				PipeRequestOperations requests = awaitPlugin(context);
				ObservationRegistry registry = context.getBean(ObservationRegistry.class);
				Observation caller = Observation.start("caller", registry);
				try (Observation.Scope scope = caller.openScope()) {
					assertThat(requests.sendAndReceive("echo", "a", WAIT)).isEqualTo("a");
				}
				finally {
					caller.stop();
				}
				assertThatExceptionOfType(PipeRequestException.class)
					.isThrownBy(() -> requests.sendAndReceive("quiet", "nobody answers", Duration.ofMillis(200)));

				List<PipeRequestObservationContext> observed = context.getBean(Observations.class).requests();
				assertThat(observed).hasSize(2);
				PipeRequestObservationContext answered = observed.get(0);
				assertThat(answered.getName()).isEqualTo("pipeio.requests");
				assertThat(answered.getContextualName()).isEqualTo("echo request");
				assertThat(answered.getParentObservation()).isSameAs(caller);
				assertThat(answered.getLowCardinalityKeyValue("channel").getValue()).isEqualTo("echo");
				assertThat(answered.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("success");
				assertThat(answered.getError()).isNull();
				PipeRequestObservationContext timedOut = observed.get(1);
				assertThat(timedOut.getOutcome()).isEqualTo(PipeRequestOutcome.TIMEOUT);
				assertThat(timedOut.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("timeout");
				assertThat(timedOut.getError()).isInstanceOf(PipeRequestException.class);

				// The timer comes from the observation, once: not also from the metrics.
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("pipeio.requests").tags("channel", "echo", "outcome", "success").timers())
					.singleElement()
					.satisfies((timer) -> assertThat(timer.count()).isEqualTo(1));
				assertThat(meters.get("pipeio.requests").tags("channel", "quiet", "outcome", "timeout").timer().count())
					.isEqualTo(1);
				// An application's own observer is still told, beside the observation.
				assertThat(toldTheApplication).containsExactly(PipeRequestOutcome.SUCCESS, PipeRequestOutcome.TIMEOUT);
			});
	}

	@Test
	void withoutATracerRequestsAreTimedButNotObserved() {
		runner().run((context) -> {
			PipeRequestOperations requests = awaitPlugin(context);
			assertThat(requests.sendAndReceive("echo", "a", WAIT)).isEqualTo("a");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("pipeio.requests").tags("channel", "echo", "outcome", "success").timer().count())
				.isEqualTo(1);
			assertThat(context.getBean(Observations.class).requests()).isEmpty();
		});
	}

	@Test
	void observationsCanBeSwitchedOffDespiteATracer() {
		runner().withBean(Tracer.class, () -> Tracer.NOOP)
			.withPropertyValues("pipe-io.observation.enabled=false")
			.run((context) -> {
				PipeRequestOperations requests = awaitPlugin(context);
				assertThat(requests.sendAndReceive("echo", "a", WAIT)).isEqualTo("a");
				assertThat(context.getBean(Observations.class).requests()).isEmpty();
				assertThat(context.getBean(MeterRegistry.class)
					.get("pipeio.requests")
					.tags("channel", "echo", "outcome", "success")
					.timer()
					.count()).isEqualTo(1);
			});
	}

	private static PipeRequestOperations awaitPlugin(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
		await().atMost(WAIT)
			.until(() -> registry.getRequiredChannel("echo").getPlugin().getState() == PluginState.RUNNING);
		return context.getBean(PipeRequestOperations.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class Observations {

		final StoppedObservations stopped = new StoppedObservations();

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		ObservationRegistry observationRegistry(MeterRegistry meterRegistry) {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig()
				.observationHandler(new DefaultMeterObservationHandler(meterRegistry))
				.observationHandler(this.stopped);
			return registry;
		}

		List<PipeRequestObservationContext> requests() {
			return this.stopped.of(PipeRequestObservationContext.class);
		}

	}

}
