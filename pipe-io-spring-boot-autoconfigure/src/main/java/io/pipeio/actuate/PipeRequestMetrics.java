package io.pipeio.actuate;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

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

	/**
	 * How long the name of a removed channel is kept, so that its requests that end late
	 * (a thread that raced the removal) register no timer that nothing would remove.
	 */
	static final Duration REMOVAL_REMEMBERED = Duration.ofMinutes(1);

	private final @Nullable MeterRegistry registry;

	private final @Nullable ObservationRegistry observationRegistry;

	private final PipeRequestObservationConvention convention;

	/**
	 * The timers registered, by channel; a removal's mark for a channel removed lately
	 * and not added again, whose late requests are not recorded.
	 */
	private final Map<String, ChannelTimers> timers = new ConcurrentHashMap<>();

	/**
	 * The marks of removals, oldest first: forgotten after {@link #REMOVAL_REMEMBERED},
	 * as a host that gives each client a channel of a new name removes channels for as
	 * long as it runs.
	 */
	private final Queue<Removal> removals = new ConcurrentLinkedQueue<>();

	private final LongSupplier nanoClock;

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
		this(registry, observationRegistry, convention, System::nanoTime);
	}

	PipeRequestMetrics(@Nullable MeterRegistry registry, @Nullable ObservationRegistry observationRegistry,
			PipeRequestObservationConvention convention, LongSupplier nanoClock) {
		this.registry = registry;
		this.observationRegistry = (observationRegistry != null && !observationRegistry.isNoop()) ? observationRegistry
				: null;
		this.convention = convention;
		this.nanoClock = nanoClock;
	}

	@Override
	public @Nullable Handle onRequestStarted(String channel) {
		ObservationRegistry observations = this.observationRegistry;
		if (observations == null || isRemoved(channel)) {
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
			forgetOldRemovals();
		};
	}

	/**
	 * The meter handler registered this request's timers as it ended: gone again if its
	 * channel was removed meanwhile, as {@link #onRemoved} removed the rest.
	 */
	private void removeIfChannelRemoved(String channel) {
		MeterRegistry meters = this.registry;
		if (meters != null && isRemoved(channel)) {
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
			if (registered != null && registered.isRemoval()) {
				return registered; // a request that ended after its channel was removed
			}
			ChannelTimers own = (registered != null) ? registered : new ChannelTimers(false);
			timer[0] = Timer.builder("pipeio.requests")
				.description("Requests made with sendAndReceive, until their answer or failure")
				.tag("channel", channel)
				.tag("outcome", outcome.tag())
				.register(meters);
			own.meters.add(timer[0]);
			return own;
		});
		if (timer[0] != null) {
			timer[0].record(duration);
		}
		forgetOldRemovals();
	}

	@Override
	public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
			@Nullable Throwable cause) {
		if (current == PipeServerState.STARTING) {
			// A channel of that name again: its requests count afresh. Not the removed
			// channel's own start, told late (by a thread a blocked listener held up):
			// atomic with the removal, which marks the server first.
			this.timers.computeIfPresent(server.getChannel(),
					(name, timers) -> (timers.isRemoval() && !this.removedServers.contains(server)) ? null : timers);
		}
	}

	@Override
	public void onRemoved(PipeServer server) {
		this.removedServers.add(server);
		MeterRegistry meters = this.registry;
		long now = this.nanoClock.getAsLong();
		ChannelTimers mark = new ChannelTimers(true);
		this.timers.compute(server.getChannel(), (name, removed) -> {
			if (meters != null && removed != null) {
				removed.meters.forEach(meters::remove);
			}
			return mark;
		});
		this.removals.add(new Removal(server.getChannel(), mark, now));
		forgetOldRemovals(now);
	}

	private boolean isRemoved(String channel) {
		ChannelTimers timers = this.timers.get(channel);
		return timers != null && timers.isRemoval();
	}

	/**
	 * Forget old removals as a request ends too, not only at the next removal: after a
	 * burst of removals, a minute's worth would otherwise stay until another channel is
	 * removed, maybe for good.
	 */
	private void forgetOldRemovals() {
		if (!this.removals.isEmpty()) {
			forgetOldRemovals(this.nanoClock.getAsLong());
		}
	}

	/**
	 * Forget the removals older than {@link #REMOVAL_REMEMBERED}: a request of theirs
	 * that ended so late (a thread stalled for that long) would be timed as one of a
	 * channel of that name.
	 */
	private void forgetOldRemovals(long now) {
		long remembered = REMOVAL_REMEMBERED.toNanos();
		Removal oldest;
		while ((oldest = this.removals.peek()) != null && now - oldest.at >= remembered) {
			if (this.removals.remove(oldest)) {
				Removal forgotten = oldest;
				// not a later removal's mark, or a new channel's timers, under that name
				this.timers.computeIfPresent(forgotten.channel,
						(name, timers) -> (timers == forgotten.mark) ? null : timers);
			}
		}
	}

	/**
	 * @return how many channel names are remembered, with timers or as removed, for tests
	 */
	int rememberedChannels() {
		return this.timers.size();
	}

	/**
	 * A channel's timers, as the registry holds them, or the mark of its removal.
	 */
	private static final class ChannelTimers {

		final Set<Meter> meters = ConcurrentHashMap.newKeySet();

		private final boolean removal;

		ChannelTimers(boolean removal) {
			this.removal = removal;
		}

		boolean isRemoval() {
			return this.removal;
		}

	}

	/**
	 * @param at {@link System#nanoTime} of the removal
	 */
	private record Removal(String channel, ChannelTimers mark, long at) {
	}

}
