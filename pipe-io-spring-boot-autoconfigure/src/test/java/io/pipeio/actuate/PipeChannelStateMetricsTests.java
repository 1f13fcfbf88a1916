package io.pipeio.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipeio.autoconfigure.PipeIoMetricsAutoConfiguration;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code pipeio.channel.state} gauge: one time series per channel, tagged with its
 * current state and valued 1, so that Prometheus can alert on a failed or paused channel.
 */
@Timeout(60)
class PipeChannelStateMetricsTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory)
			.withConfiguration(
					AutoConfigurations.of(PipeIoMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
							CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.withPropertyValues("pipe-io.channels.echo.charset=UTF-8", "pipe-io.channels.other.charset=UTF-8");
	}

	@Test
	void oneSeriesTaggedWithTheCurrentStateFollowsTheChannel() {
		runner().run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			assertThat(states(meters, "echo")).containsExactly(Map.entry("running", 1.0));
			assertThat(current(meters, "echo")).containsExactly("running");
			registry.pause("echo");
			assertThat(current(meters, "echo")).containsExactly("paused");
			assertThat(current(meters, "other")).containsExactly("running");
			registry.resume("echo");
			assertThat(current(meters, "echo")).containsExactly("running");
			registry.stop("echo");
			assertThat(current(meters, "echo")).containsExactly("stopped");
			registry.start("echo");
			// A regular file where the in pipe was: the channel cannot re-create it and
			// fails.
			Path in = this.directory.resolve("echo.in");
			Files.delete(in);
			Files.writeString(in, "not a pipe");
			await().untilAsserted(() -> assertThat(current(meters, "echo")).containsExactly("failed"));
			assertThat(current(meters, "other")).containsExactly("running");
			Files.delete(in);
			await().untilAsserted(() -> assertThat(current(meters, "echo")).containsExactly("running"));
		});
	}

	@Test
	void aPausedChannelThatFailsIsShownFailedEverywhere() {
		runner().run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			registry.pause("echo");
			Path in = this.directory.resolve("echo.in");
			Files.delete(in);
			Files.writeString(in, "not a pipe");
			await().untilAsserted(() -> assertThat(current(meters, "echo")).containsExactly("failed"));
			// the health details and the endpoint show the same
			assertThat(ChannelDescriptor.state(registry.getRequiredChannel("echo"))).isEqualTo("FAILED");
		});
	}

	@Test
	void theSeriesOfTheOldStateReadsOneUntilTheNewOneIsShown() {
		runner().withUserConfiguration(Sampler.class).run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			Sampler sampler = context.getBean(Sampler.class);
			sampler.meters = meters;
			context.getBean(PipeChannelRegistry.class).pause("echo");
			// Told before the meters hear of it: the old series still reads 1.
			assertThat(sampler.sampled).containsExactly(Map.entry("running", 1.0));
			assertThat(current(meters, "echo")).containsExactly("paused");
		});
	}

	/**
	 * Reads the channel's state series as it is told that the channel paused, before
	 * pipe-io's meters are.
	 */
	@Configuration(proxyBeanMethods = false)
	@Order(Ordered.HIGHEST_PRECEDENCE)
	static class Sampler implements PipeServerListener {

		volatile @Nullable MeterRegistry meters;

		volatile Map<String, Double> sampled = Map.of();

		@Override
		public void onPausedChanged(PipeServer server, boolean paused) {
			MeterRegistry registry = this.meters;
			if (paused && registry != null && server.getChannel().equals("echo")) {
				this.sampled = states(registry, "echo");
			}
		}

	}

	private static Map<String, Double> states(MeterRegistry meters, String channel) {
		return meters.get("pipeio.channel.state")
			.tag("channel", channel)
			.gauges()
			.stream()
			.collect(Collectors.toMap((gauge) -> gauge.getId().getTag("state"), Gauge::value));
	}

	/**
	 * @return the state of the channel's one series, which must be 1
	 */
	private static List<String> current(MeterRegistry meters, String channel) {
		Map<String, Double> states = states(meters, channel);
		assertThat(states.values()).containsExactly(1.0);
		return List.copyOf(states.keySet());
	}

}
