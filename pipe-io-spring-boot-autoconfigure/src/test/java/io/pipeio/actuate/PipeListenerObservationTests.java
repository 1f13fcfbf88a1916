package io.pipeio.actuate;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.pipeio.annotation.PipeListener;
import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.autoconfigure.PipeIoMetricsAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each listener call is an observation when an active observation registry is present.
 */
@Timeout(60)
class PipeListenerObservationTests {

	@TempDir
	Path directory;

	@Test
	void everyListenerCallIsObserved() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class, PipeIoMetricsAutoConfiguration.class))
			.withUserConfiguration(ObservedListener.class)
			.withPropertyValues("pipe-io.directory=" + this.directory)
			.run((context) -> {
				assertThat(FifoLines.request(this.directory, "upper", "abc")).isEqualTo("ABC");
				FifoLines.write(this.directory.resolve("upper.in"), "boom");
				List<Observation.Context> stopped = context.getBean(ObservedListener.class).stopped;
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

	@Configuration(proxyBeanMethods = false)
	static class ObservedListener {

		final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

		@Bean
		ObservationRegistry observationRegistry() {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new ObservationHandler<>() {

				@Override
				public void onStop(Observation.Context context) {
					ObservedListener.this.stopped.add(context);
				}

				@Override
				public boolean supportsContext(Observation.Context context) {
					return true;
				}

			});
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

}
