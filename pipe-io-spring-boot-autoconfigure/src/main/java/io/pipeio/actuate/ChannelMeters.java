package io.pipeio.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.pipeio.server.ChannelStatistics;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerState;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one channel. Most are registered when the channel is bound and read the
 * engine's counters when scraped; the retry and dead-letter counters only for a channel
 * that retries or keeps dead letters. Two kinds follow what happens, so that a channel
 * costs series only for what it shows:
 * <ul>
 * <li>a {@code pipeio.messages.dropped} counter of a reason is registered with the first
 * line dropped for that reason (it then counts every line dropped for it, the earlier
 * ones included); a channel that never dropped a line has none;</li>
 * <li>{@code pipeio.channel.state} is one series, tagged with the current state, which is
 * replaced by the series of the new state whenever the state changes.</li>
 * </ul>
 * Both change under this object's lock, which {@link #remove()} takes too, so that no
 * meter is registered for a channel after it was removed.
 *
 * @author pipe-io
 */
final class ChannelMeters {

	private final PipeServer server;

	private final Tag channelTag;

	private @Nullable MeterRegistry registry;

	/**
	 * The meters registered, as the registry holds them (a filter may have renamed them).
	 */
	private final List<Meter> registered = new ArrayList<>();

	private @Nullable Gauge stateGauge;

	/**
	 * The state the series show: each reads 1 while it is its own, so that the old series
	 * reads 1 until the new one is registered (a scrape between the state's change and
	 * the new series' registration found none at 1 when they read the channel's live
	 * state).
	 */
	private volatile @Nullable ChannelState shownState;

	private boolean removed;

	ChannelMeters(PipeServer server) {
		this.server = server;
		this.channelTag = Tag.of("channel", server.getChannel());
	}

	/**
	 * Register the channel's meters in a registry, once.
	 * @param registry the registry
	 */
	void bind(MeterRegistry registry) {
		synchronized (this) {
			if (this.removed || this.registry == registry) {
				return;
			}
			this.registry = registry;
			registerCounters(registry);
			showState();
		}
		// The reasons seen so far get their counters now, any other on the thread that
		// first drops a line for it.
		this.server.getStatistics().forEachDropReason(this::dropped);
	}

	/**
	 * Show the channel's state now, if it changed.
	 */
	synchronized void stateChanged() {
		if (!this.removed && this.registry != null) {
			showState();
		}
	}

	/**
	 * Remove the channel's meters and register none any more: the channel is gone. The
	 * very meters registered are removed, so a filter that renamed them does not keep
	 * them, reading a removed channel's counters, for a channel of the same name added
	 * later.
	 */
	synchronized void remove() {
		this.removed = true;
		MeterRegistry meterRegistry = this.registry;
		if (meterRegistry == null) {
			return;
		}
		this.registered.forEach(meterRegistry::remove);
		this.registered.clear();
		Gauge state = this.stateGauge;
		if (state != null) {
			meterRegistry.remove(state);
		}
	}

	private synchronized void dropped(DropReason reason) {
		MeterRegistry meterRegistry = this.registry;
		if (this.removed || meterRegistry == null) {
			return;
		}
		this.registered.add(FunctionCounter
			.builder("pipeio.messages.dropped", this.server.getStatistics(), Shared.DROPPED[reason.ordinal()])
			.description("Lines not delivered, by reason")
			.tags(Tags.of(this.channelTag, Shared.REASON_TAGS[reason.ordinal()]))
			.register(meterRegistry));
	}

	private void showState() {
		MeterRegistry meterRegistry = this.registry;
		ChannelState state = ChannelState.of(this.server);
		if (meterRegistry == null || state == this.shownState) {
			return;
		}
		Gauge previous = this.stateGauge;
		// The new series first (0 until shown), then it is shown and the old one (0 from
		// then) goes: a scrape in between never finds the channel without a state.
		this.stateGauge = Gauge.builder("pipeio.channel.state", this, Shared.SHOWN[state.ordinal()])
			.description("1 for the channel's current state, the state tag (one series a channel)")
			.tags(Tags.of(this.channelTag, Shared.STATE_TAGS[state.ordinal()]))
			.strongReference(true)
			.register(meterRegistry);
		this.shownState = state;
		if (previous != null) {
			meterRegistry.remove(previous);
		}
	}

	private void registerCounters(MeterRegistry registry) {
		Tags tags = Tags.of(this.channelTag);
		ChannelStatistics statistics = this.server.getStatistics();
		counter(registry, tags, "pipeio.messages.received", ChannelStatistics::getReceivedMessages, null,
				"Lines received from the channel's in pipe");
		counter(registry, tags, "pipeio.messages.sent", ChannelStatistics::getSentMessages, null,
				"Lines written to the channel's out pipe");
		// Only where they can count anything: a channel that retries, or keeps dead
		// letters.
		if (statistics.countsRetries()) {
			counter(registry, tags, "pipeio.messages.retried", ChannelStatistics::getRetries, null,
					"Times a listener was called again with a line it had failed on");
		}
		if (statistics.countsDeadLetters()) {
			counter(registry, tags, "pipeio.messages.dead-lettered", ChannelStatistics::getDeadLettered, null,
					"Dropped lines written to the channel's dead-letter file");
			counter(registry, tags, "pipeio.dead-letter.failures", ChannelStatistics::getDeadLetterFailures, null,
					"Dropped lines that could not be written to the channel's dead-letter file");
		}
		counter(registry, tags, "pipeio.bytes.received", ChannelStatistics::getReceivedBytes, BaseUnits.BYTES,
				"Bytes of the lines received, without newlines");
		counter(registry, tags, "pipeio.bytes.sent", ChannelStatistics::getSentBytes, BaseUnits.BYTES,
				"Bytes of the lines written, without newlines");
		this.registered.add(Gauge.builder("pipeio.clients.connected", statistics, Shared.CLIENT_CONNECTED)
			.description("Whether a client writes to the channel's in pipe (1) or none is there (0)")
			.tags(tags)
			.register(registry));
		this.registered.add(Gauge.builder("pipeio.send.queue.size", this.server, PipeServer::getSendQueueSize)
			.description("Lines waiting to be written to the out pipe")
			.tags(tags)
			.strongReference(true)
			.register(registry));
		this.registered.add(Gauge.builder("pipeio.send.queue.bytes", this.server, PipeServer::getSendQueueBytes)
			.description("Bytes of the lines waiting to be written to the out pipe, queued or being written")
			.baseUnit(BaseUnits.BYTES)
			.tags(tags)
			.strongReference(true)
			.register(registry));
	}

	private void counter(MeterRegistry registry, Tags tags, String name, ToDoubleFunction<ChannelStatistics> count,
			@Nullable String baseUnit, String description) {
		this.registered.add(FunctionCounter.builder(name, this.server.getStatistics(), count)
			.description(description)
			.baseUnit(baseUnit)
			.tags(tags)
			.register(registry));
	}

	/**
	 * What the meters of every channel share, made once rather than per channel: the
	 * {@code reason} and {@code state} tags and the functions the meters read.
	 */
	private static final class Shared {

		static final DropReason[] REASONS = DropReason.values();

		static final Tag[] REASON_TAGS = new Tag[REASONS.length];

		@SuppressWarnings("unchecked")
		static final ToDoubleFunction<ChannelStatistics>[] DROPPED = new ToDoubleFunction[REASONS.length];

		static final ChannelState[] STATES = ChannelState.values();

		static final Tag[] STATE_TAGS = new Tag[STATES.length];

		@SuppressWarnings("unchecked")
		static final ToDoubleFunction<ChannelMeters>[] SHOWN = new ToDoubleFunction[STATES.length];

		static final ToDoubleFunction<ChannelStatistics> CLIENT_CONNECTED = (stats) -> stats.isClientConnected() ? 1
				: 0;

		static {
			for (DropReason reason : REASONS) {
				REASON_TAGS[reason.ordinal()] = Tag.of("reason", reason.tag());
				DROPPED[reason.ordinal()] = (stats) -> stats.getDropped(reason);
			}
			for (ChannelState state : STATES) {
				STATE_TAGS[state.ordinal()] = Tag.of("state", state.tag());
				SHOWN[state.ordinal()] = (meters) -> (meters.shownState == state) ? 1 : 0;
			}
		}

		private Shared() {
		}

	}

	/**
	 * The states of the {@code pipeio.channel.state} gauge: the engine's, with a paused
	 * running channel as {@code paused}.
	 */
	private enum ChannelState {

		STOPPED, STARTING, RUNNING, PAUSED, STOPPING, FAILED;

		String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

		static ChannelState of(PipeServer server) {
			PipeServerState state = server.getState();
			if (state == PipeServerState.RUNNING && server.isPaused()) {
				return PAUSED;
			}
			return switch (state) {
				case STOPPED -> STOPPED;
				case STARTING -> STARTING;
				case RUNNING -> RUNNING;
				case STOPPING -> STOPPING;
				case FAILED -> FAILED;
			};
		}

	}

}
