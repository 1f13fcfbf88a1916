package io.pipeio.actuate;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pipeio.server.ChannelStatistics;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerState;
import org.jspecify.annotations.Nullable;

/**
 * Channel meters, tagged {@code channel}: {@code pipeio.messages.received},
 * {@code .sent}, {@code .dropped} (tag {@code reason}), {@code .retried},
 * {@code .dead-lettered}, {@code pipeio.dead-letter.failures},
 * {@code pipeio.bytes.received}, {@code .sent} and the {@code pipeio.send.queue.size},
 * {@code .bytes} and {@code pipeio.clients.connected} gauges, and the
 * {@code pipeio.channel.state} gauge: one time series per state (tag {@code state}:
 * stopped, starting, running, paused, stopping, failed), 1 for the current one and 0 for
 * the others, so that an alert can fire on {@code pipeio_channel_state{state="failed"} ==
 * 1}. The meters read the engine's own counters when scraped, so they cost nothing per
 * line. A channel is bound when it first starts, whichever comes first of that and the
 * meter registry.
 *
 * @author pipe-io
 */
public class PipeIoMetrics implements MeterBinder, PipeServerListener {

	private final Map<PipeServer, Boolean> servers = new ConcurrentHashMap<>();

	private volatile @Nullable MeterRegistry registry;

	private volatile @Nullable ChannelMeterIndex index;

	@Override
	public void bindTo(MeterRegistry registry) {
		this.index = ChannelMeterIndex.watch(registry);
		this.registry = registry;
		this.servers.keySet().forEach((server) -> bind(registry, server));
	}

	@Override
	public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
			@Nullable Throwable cause) {
		if (current == PipeServerState.STARTING && this.servers.putIfAbsent(server, Boolean.TRUE) == null) {
			MeterRegistry meterRegistry = this.registry;
			if (meterRegistry != null) {
				bind(meterRegistry, server);
			}
		}
	}

	/**
	 * Remove the meters of a channel that was removed, so that they neither linger nor
	 * keep counting for a channel of the same name added later.
	 */
	@Override
	public void onRemoved(PipeServer server) {
		this.servers.remove(server);
		MeterRegistry meterRegistry = this.registry;
		ChannelMeterIndex meters = this.index;
		if (meterRegistry == null || meters == null) {
			return;
		}
		for (Meter meter : meters.meters(server.getChannel())) {
			meterRegistry.remove(meter);
		}
	}

	private static void bind(MeterRegistry registry, PipeServer server) {
		// One Tags for the meters tagged by channel only; the reason and state tags and
		// the functions are the same for every channel (see Shared).
		Tag channelTag = Tag.of("channel", server.getChannel());
		Tags tags = Tags.of(channelTag);
		ChannelStatistics statistics = server.getStatistics();
		FunctionCounter.builder("pipeio.messages.received", statistics, ChannelStatistics::getReceivedMessages)
			.description("Lines received from the channel's in pipe")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("pipeio.messages.sent", statistics, ChannelStatistics::getSentMessages)
			.description("Lines written to the channel's out pipe")
			.tags(tags)
			.register(registry);
		for (DropReason reason : Shared.REASONS) {
			FunctionCounter.builder("pipeio.messages.dropped", statistics, Shared.DROPPED[reason.ordinal()])
				.description("Lines not delivered, by reason")
				.tags(Tags.of(channelTag, Shared.REASON_TAGS[reason.ordinal()]))
				.register(registry);
		}
		FunctionCounter.builder("pipeio.messages.retried", statistics, ChannelStatistics::getRetries)
			.description("Times a listener was called again with a line it had failed on")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("pipeio.messages.dead-lettered", statistics, ChannelStatistics::getDeadLettered)
			.description("Dropped lines written to the channel's dead-letter file")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("pipeio.dead-letter.failures", statistics, ChannelStatistics::getDeadLetterFailures)
			.description("Dropped lines that could not be written to the channel's dead-letter file")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("pipeio.bytes.received", statistics, ChannelStatistics::getReceivedBytes)
			.description("Bytes of the lines received, without newlines")
			.baseUnit(BaseUnits.BYTES)
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("pipeio.bytes.sent", statistics, ChannelStatistics::getSentBytes)
			.description("Bytes of the lines written, without newlines")
			.baseUnit(BaseUnits.BYTES)
			.tags(tags)
			.register(registry);
		Gauge.builder("pipeio.clients.connected", statistics, Shared.CLIENT_CONNECTED)
			.description("Whether a client writes to the channel's in pipe (1) or none is there (0)")
			.tags(tags)
			.register(registry);
		Gauge.builder("pipeio.send.queue.size", server, PipeServer::getSendQueueSize)
			.description("Lines waiting to be written to the out pipe")
			.tags(tags)
			.strongReference(true)
			.register(registry);
		Gauge.builder("pipeio.send.queue.bytes", server, PipeServer::getSendQueueBytes)
			.description("Bytes of the lines waiting to be written to the out pipe, queued or being written")
			.baseUnit(BaseUnits.BYTES)
			.tags(tags)
			.strongReference(true)
			.register(registry);
		for (ChannelState state : Shared.STATES) {
			Gauge.builder("pipeio.channel.state", server, Shared.IN_STATE[state.ordinal()])
				.description("1 for the channel's current state (the state tag), 0 for the others")
				.tags(Tags.of(channelTag, Shared.STATE_TAGS[state.ordinal()]))
				.strongReference(true)
				.register(registry);
		}
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
		static final ToDoubleFunction<PipeServer>[] IN_STATE = new ToDoubleFunction[STATES.length];

		static final ToDoubleFunction<ChannelStatistics> CLIENT_CONNECTED = (stats) -> stats.isClientConnected() ? 1
				: 0;

		static {
			for (DropReason reason : REASONS) {
				REASON_TAGS[reason.ordinal()] = Tag.of("reason", reason.tag());
				DROPPED[reason.ordinal()] = (stats) -> stats.getDropped(reason);
			}
			for (ChannelState state : STATES) {
				STATE_TAGS[state.ordinal()] = Tag.of("state", state.tag());
				IN_STATE[state.ordinal()] = (watched) -> (ChannelState.of(watched) == state) ? 1 : 0;
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
