package io.pipeio.actuate;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pipeio.core.PipeRequestObserver;
import io.pipeio.core.PipeRequestOutcome;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import org.jspecify.annotations.Nullable;

/**
 * Records the {@code pipeio.requests} timer (tags {@code channel}, {@code outcome}) of
 * every request made with {@link io.pipeio.core.PipeRequestOperations}. A channel's
 * timers are removed with the channel, even behind a filter that renames them.
 *
 * @author pipe-io
 */
public class PipeRequestMetrics implements PipeRequestObserver, PipeServerListener {

	private final @Nullable MeterRegistry registry;

	/** The timers registered, as the registry holds them, by channel. */
	private final Map<String, Set<Meter>> timers = new ConcurrentHashMap<>();

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
			Timer timer = Timer.builder("pipeio.requests")
				.description("Requests made with sendAndReceive, until their answer or failure")
				.tag("channel", channel)
				.tag("outcome", outcome.tag())
				.register(meters);
			this.timers.computeIfAbsent(channel, (name) -> ConcurrentHashMap.newKeySet()).add(timer);
			timer.record(duration);
		}
	}

	@Override
	public void onRemoved(PipeServer server) {
		MeterRegistry meters = this.registry;
		Set<Meter> removed = this.timers.remove(server.getChannel());
		if (meters != null && removed != null) {
			removed.forEach(meters::remove);
		}
	}

}
