package io.pipeio.actuate;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pipeio.core.PipeRequestObserver;
import io.pipeio.core.PipeRequestOutcome;
import org.jspecify.annotations.Nullable;

/**
 * Records the {@code pipeio.requests} timer (tags {@code channel}, {@code outcome}) of
 * every request made with {@link io.pipeio.core.PipeRequestOperations}.
 *
 * @author pipe-io
 */
public class PipeRequestMetrics implements PipeRequestObserver {

	private final @Nullable MeterRegistry registry;

	/**
	 * Create the metrics.
	 * @param registry where to record, or {@code null} to record nothing
	 */
	public PipeRequestMetrics(@Nullable MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void onRequestCompleted(String channel, PipeRequestOutcome outcome, Duration duration) {
		MeterRegistry meters = this.registry;
		if (meters != null) {
			Timer.builder("pipeio.requests")
				.description("Requests made with sendAndReceive, until their answer or failure")
				.tag("channel", channel)
				.tag("outcome", outcome.tag())
				.register(meters)
				.record(duration);
		}
	}

}
