package io.pipeio.actuate;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.pipeio.core.PipeRequestObserver;
import io.pipeio.core.PipeRequestOutcome;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerState;
import org.jspecify.annotations.Nullable;

/**
 * Records the {@code pipeio.requests} timer (tags {@code channel}, {@code outcome}) of
 * every request made with {@link io.pipeio.core.PipeRequestOperations}. A channel's
 * timers are removed with the channel, even behind a filter that renames them.
 * <p>
 * When observations are enabled (by default: when a tracer is configured) each request is
 * an {@link Observation} instead, started on the thread that sends it, so its span is a
 * child of that thread's current one, and the timer comes from the observation registry's
 * meter handler; {@link PipeIoMetrics} removes those with the channel.
 *
 * @author pipe-io
 */
public class PipeRequestMetrics implements PipeRequestObserver, PipeServerListener {

	private static final Set<Meter> REMOVED = Set.of();

	private final @Nullable MeterRegistry registry;

	private final @Nullable ObservationRegistry observationRegistry;

	private final PipeRequestObservationConvention convention;

	/**
	 * The timers registered, as the registry holds them, by channel; {@link #REMOVED} for
	 * a channel removed and not added again, whose late requests are not recorded.
	 */
	private final Map<String, Set<Meter>> timers = new ConcurrentHashMap<>();

	/**
	 * The servers of channels removed, so that a start of theirs told late does not count
	 * as a channel of the same name again; weak, as a host may add and remove channels
	 * for as long as it runs.
	 */
	private final Set<PipeServer> removedServers = Collections
		.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	/**
	 * Create the metrics.
	 * @param registry where to record, or {@code null} to record nothing
	 */
	public PipeRequestMetrics(@Nullable MeterRegistry registry) {
		this(registry, null, new PipeRequestObservationConvention());
	}

	/**
	 * Create the metrics, or observations.
	 * @param registry where to record the timer, or {@code null} to record none
	 * @param observationRegistry where to observe each request instead, or {@code null}
	 * (or a no-op registry) to record the timer
	 * @param convention the observation convention
	 */
	public PipeRequestMetrics(@Nullable MeterRegistry registry, @Nullable ObservationRegistry observationRegistry,
			PipeRequestObservationConvention convention) {
		this.registry = registry;
		this.observationRegistry = (observationRegistry != null && !observationRegistry.isNoop()) ? observationRegistry
				: null;
		this.convention = convention;
	}

	@Override
	public @Nullable Handle onRequestStarted(String channel) {
		ObservationRegistry observations = this.observationRegistry;
		if (observations == null || this.timers.get(channel) == REMOVED) {
			return null; // no observation, or its channel was just removed: no meters
		}
		PipeRequestObservationContext context = new PipeRequestObservationContext(channel);
		// The bean's convention as the custom one, so no global convention overrides it;
		// Micrometer wants a default too, never used then.
		Observation observation = Observation
			.createNotStarted(this.convention, this.convention, () -> context, observations)
			.start();
		return (outcome, failure) -> {
			context.setOutcome(outcome);
			if (failure != null) {
				observation.error(failure);
			}
			observation.stop();
			removeIfChannelRemoved(channel);
		};
	}

	/**
	 * The meter handler registered this request's timers as it ended: gone again if its
	 * channel was removed meanwhile, as {@link #onRemoved} removed the rest.
	 */
	private void removeIfChannelRemoved(String channel) {
		MeterRegistry meters = this.registry;
		if (meters != null && this.timers.get(channel) == REMOVED) {
			meters.find(this.convention.getName()).tag("channel", channel).meters().forEach(meters::remove);
			meters.find(this.convention.getName() + ".active").tag("channel", channel).meters().forEach(meters::remove);
		}
	}

	@Override
	public void onRequestCompleted(String channel, PipeRequestOutcome outcome, Duration duration) {
		MeterRegistry meters = this.registry;
		if (meters == null || this.observationRegistry != null) {
			return; // observed: the observation's meter handler times it
		}
		Timer[] timer = new Timer[1];
		// Atomic with a removal: a timer registered after it would be left behind.
		this.timers.compute(channel, (name, registered) -> {
			if (registered == REMOVED) {
				return REMOVED; // a request that ended after its channel was removed
			}
			Set<Meter> own = (registered != null) ? registered : ConcurrentHashMap.newKeySet();
			timer[0] = Timer.builder("pipeio.requests")
				.description("Requests made with sendAndReceive, until their answer or failure")
				.tag("channel", channel)
				.tag("outcome", outcome.tag())
				.register(meters);
			own.add(timer[0]);
			return own;
		});
		if (timer[0] != null) {
			timer[0].record(duration);
		}
	}

	@Override
	public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
			@Nullable Throwable cause) {
		if (current == PipeServerState.STARTING) {
			// A channel of that name again: its requests count afresh. Not the removed
			// channel's own start, told late (by a thread a blocked listener held up):
			// atomic with the removal, which marks the server first.
			this.timers.computeIfPresent(server.getChannel(),
					(name, timers) -> (timers == REMOVED && !this.removedServers.contains(server)) ? null : timers);
		}
	}

	@Override
	public void onRemoved(PipeServer server) {
		this.removedServers.add(server);
		MeterRegistry meters = this.registry;
		this.timers.compute(server.getChannel(), (name, removed) -> {
			if (meters != null && removed != null) {
				removed.forEach(meters::remove);
			}
			return REMOVED;
		});
	}

}
