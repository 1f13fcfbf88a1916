package io.pipeio.actuate;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerState;
import org.jspecify.annotations.Nullable;

/**
 * Channel meters, tagged {@code channel}: {@code pipeio.messages.received},
 * {@code .sent}, {@code pipeio.bytes.received}, {@code .sent} and the
 * {@code pipeio.send.queue.size}, {@code .bytes} and {@code pipeio.clients.connected}
 * gauges; {@code pipeio.messages.retried} for a channel that retries, and
 * {@code pipeio.messages.dead-lettered} and {@code pipeio.dead-letter.failures} for one
 * with a dead-letter file; {@code pipeio.messages.dropped} (tag {@code reason}) from the
 * first line dropped for a reason; and the {@code pipeio.channel.state} gauge, one series
 * tagged with the current state (stopped, starting, running, paused, stopping, failed)
 * and valued 1, so that an alert can fire on {@code pipeio_channel_state{state="failed"}
 * == 1}. The meters read the engine's own counters when scraped, so they cost nothing per
 * line. A channel is bound when it first starts, whichever comes first of that and the
 * meter registry; a channel that was removed gets none again.
 *
 * @author pipe-io
 * @see ChannelMeters
 */
public class PipeIoMetrics implements MeterBinder, PipeServerListener {

	private final Map<PipeServer, ChannelMeters> servers = new ConcurrentHashMap<>();

	/**
	 * The servers of channels removed: a start of theirs told after the removal (by a
	 * thread a blocked listener held up) must not bring their meters back. Weak, as a
	 * host may add and remove channels for as long as it runs.
	 */
	private final Set<PipeServer> removed = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	private volatile @Nullable MeterRegistry registry;

	private volatile @Nullable ChannelMeterIndex index;

	@Override
	public void bindTo(MeterRegistry registry) {
		this.index = ChannelMeterIndex.watch(registry);
		this.registry = registry;
		this.servers.values().forEach((meters) -> meters.bind(registry));
	}

	@Override
	public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
			@Nullable Throwable cause) {
		ChannelMeters meters = (current == PipeServerState.STARTING) ? track(server) : this.servers.get(server);
		if (meters == null) {
			return;
		}
		MeterRegistry meterRegistry = this.registry;
		if (meterRegistry != null) {
			// once per registry; shows the state when it binds
			meters.bind(meterRegistry);
		}
		meters.stateChanged();
	}

	private @Nullable ChannelMeters track(PipeServer server) {
		if (this.removed.contains(server)) {
			return null;
		}
		ChannelMeters meters = this.servers.computeIfAbsent(server, ChannelMeters::new);
		if (this.removed.contains(server)) {
			// removed meanwhile, maybe before these meters were tracked: they go too
			this.servers.remove(server, meters);
			meters.remove();
			return null;
		}
		return meters;
	}

	@Override
	public void onPausedChanged(PipeServer server, boolean paused) {
		ChannelMeters meters = this.servers.get(server);
		if (meters != null) {
			meters.stateChanged();
		}
	}

	/**
	 * Remove the meters of a channel that was removed, so that they neither linger nor
	 * keep counting for a channel of the same name added later.
	 */
	@Override
	public void onRemoved(PipeServer server) {
		// before the meters are let go of: see track
		this.removed.add(server);
		ChannelMeters own = this.servers.remove(server);
		if (own != null) {
			own.remove();
		}
		MeterRegistry meterRegistry = this.registry;
		ChannelMeterIndex meters = this.index;
		if (meterRegistry == null || meters == null) {
			return;
		}
		for (Meter meter : meters.meters(server.getChannel())) {
			meterRegistry.remove(meter);
		}
	}

}
