package io.pipeio.actuate;

import java.nio.file.Path;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.pipeio.annotation.PipeListener;
import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.autoconfigure.PipeIoMetricsAutoConfiguration;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.StoppedObservations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listener calls are observations when tracing is configured (or when asked for), and
 * timed by the cheaper chunk timer otherwise.
 */
@Timeout(60)
class PipeListenerObservationTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PipeIoAutoConfiguration.class, PipeIoMetricsAutoConfiguration.class))
			.withUserConfiguration(ObservedListener.class)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("pipe-io.directory=" + this.directory);
	}

	@Test
	void everyListenerCallIsObservedWhenATracerIsConfigured() {
		runner().withBean(Tracer.class, () -> Tracer.NOOP).run((context) -> {
			List<Observation.Context> stopped = context.getBean(ObservedListener.class).stopped;
			assertThat(PipeTestClient.request(this.directory, "upper", "abc")).isEqualTo("ABC");
			send(this.directory.resolve("upper.in"), "boom");
			await().until(() -> stopped.size() == 2);
			assertThat(stopped).allSatisfy((observed) -> {
				assertThat(observed.getName()).isEqualTo("pipeio.listener");
				assertThat(observed.getLowCardinalityKeyValue("channel").getValue()).isEqualTo("upper");
			});
			assertThat(stopped.get(0).getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("success");
			assertThat(stopped.get(1).getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("error");
			assertThat(stopped.get(1).getLowCardinalityKeyValue("exception").getValue())
				.isEqualTo("IllegalArgumentException");
			assertThat(stopped.get(1).getError()).hasMessage("boom");
		});
	}

	@Test
	void observationsCanBeAskedForWithoutATracer() {
		runner().withClassLoader(new FilteredClassLoader(Tracer.class))
			.withPropertyValues("pipe-io.observation.enabled=true")
			.run((context) -> {
				assertThat(PipeTestClient.request(this.directory, "upper", "abc")).isEqualTo("ABC");
				List<Observation.Context> stopped = context.getBean(ObservedListener.class).stopped;
				await().until(() -> stopped.size() == 1);
			});
	}

	@Test
	void withoutATracerCallsAreTimedButNotObserved() {
		runner().run((context) -> {
			for (int i = 0; i < 20; i++) {
				assertThat(PipeTestClient.request(this.directory, "upper", "x" + i)).isEqualTo("X" + i);
			}
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			// A chunk's calls are recorded when the chunk ends, which may be after its
			// last reply left.
			await().untilAsserted(() -> assertThat(meters.get("pipeio.listener")
				.tags("channel", "upper", "outcome", "success")
				.functionTimer()
				.count()).isEqualTo(20));
			assertThat(context.getBean(ObservedListener.class).stopped).isEmpty();
		});
	}

	@Test
	void observationsCanBeSwitchedOffDespiteATracer() {
		runner().withBean(Tracer.class, () -> Tracer.NOOP)
			.withPropertyValues("pipe-io.observation.enabled=false")
			.run((context) -> {
				assertThat(PipeTestClient.request(this.directory, "upper", "abc")).isEqualTo("ABC");
				assertThat(context.getBean(ObservedListener.class).stopped).isEmpty();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class ObservedListener {

		private final StoppedObservations observations = new StoppedObservations();

		final List<Observation.Context> stopped = this.observations.all();

		@Bean
		ObservationRegistry observationRegistry() {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(this.observations);
			return registry;
		}

		@PipeListener("upper")
		String upper(String line) {
			if (line.equals("boom")) {
				throw new IllegalArgumentException("boom");
			}
			return line.toUpperCase();
		}

	}

	/** Write one line the way {@code echo line > channel.in} does: open, write, close. */
	private static void send(Path in, String line) {
		try (PipeTestClient sender = PipeTestClient.sender(in)) {
			sender.send(line);
		}
	}

}
