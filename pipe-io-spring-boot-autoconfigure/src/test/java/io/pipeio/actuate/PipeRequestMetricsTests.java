package io.pipeio.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.autoconfigure.PipeIoMetricsAutoConfiguration;
import io.pipeio.core.PipeRequestException;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code pipeio.requests} timer, with a client answering requests by hand.
 */
@Timeout(60)
class PipeRequestMetricsTests {

	@TempDir
	Path directory;

	@Test
	void requestsAreTimedByOutcome() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class,
					PipeIoMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.withPropertyValues("pipe-io.directory=" + this.directory, "pipe-io.channels.calc.auto-startup=true")
			.run((context) -> {
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				try (PipeTestClient plugin = PipeTestClient.connect(this.directory, "calc")) {
					CompletableFuture<String> answer = requests.sendAndReceiveAsync("calc", "ping",
							Duration.ofSeconds(30));
					assertThat(plugin.receive()).isEqualTo("ping");
					plugin.send("pong");
					assertThat(answer.get()).isEqualTo("pong");
					assertThatExceptionOfType(PipeRequestException.class)
						.isThrownBy(() -> requests.sendAndReceive("calc", "lost", Duration.ofMillis(100)));
				}
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					assertThat(timer(meters, "success").count()).isEqualTo(1);
					assertThat(timer(meters, "timeout").count()).isEqualTo(1);
				});
			});
	}

	private static Timer timer(MeterRegistry meters, String outcome) {
		return meters.get("pipeio.requests").tag("channel", "calc").tag("outcome", outcome).timer();
	}

}
