package io.pipeio.actuate;

import java.nio.file.Path;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.EchoEndpoint;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener that replaces another on a running channel (an integration flow removed and
 * added again at runtime) has its calls timed: the {@code pipeio.listener} timers of the
 * one before, which read that one's counts, neither stay in its way nor linger.
 */
@Timeout(60)
class PipeListenerTimerReattachTests {

	@TempDir
	Path directory;

	@Test
	void theTimerOfAListenerAttachedAfterAnotherCountsItsCalls() {
		PipeIoContextRunners.withMetrics(this.directory)
			.withPropertyValues("pipe-io.channels.work.charset=UTF-8")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				registry.registerListener(new EchoEndpoint("first"));
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "work")) {
					client.send(""); // fails: an error timer
					assertThat(client.request("one")).isEqualTo("first one");
				}
				await().until(() -> calls(meters) == 1);
				assertThat(meters.find("pipeio.listener").tags("channel", "work", "outcome", "error").meters())
					.hasSize(1);
				assertThat(registry.unregisterListener("work")).isTrue();
				registry.registerListener(new EchoEndpoint("second"));
				assertThat(PipeTestClient.request(this.directory, "work", "two")).isEqualTo("second two");
				assertThat(PipeTestClient.request(this.directory, "work", "three")).isEqualTo("second three");
				// The second listener's own count, in the one timer of the channel.
				await().until(() -> calls(meters) == 2);
				assertThat(meters.find("pipeio.listener").tag("channel", "work").tag("outcome", "success").meters())
					.hasSize(1);
				assertThat(meters.find("pipeio.listener").tags("channel", "work", "outcome", "error").meters())
					.as("the first listener's error timer")
					.isEmpty();
			});
	}

	private static double calls(MeterRegistry meters) {
		FunctionTimer timer = meters.find("pipeio.listener")
			.tags("channel", "work", "outcome", "success")
			.functionTimer();
		return (timer != null) ? timer.count() : -1;
	}

}
