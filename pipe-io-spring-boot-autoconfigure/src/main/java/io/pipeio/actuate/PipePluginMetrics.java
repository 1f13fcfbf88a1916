package io.pipeio.actuate;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pipeio.plugin.PluginExit;
import io.pipeio.plugin.PluginObserver;
import io.pipeio.plugin.PluginState;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import org.jspecify.annotations.Nullable;

/**
 * Meters of the plug-in processes, tag {@code channel}: {@code pipeio.plugin.restarts}
 * (counter), {@code pipeio.plugin.running} (gauge, 1 while the process runs) and
 * {@code pipeio.plugin.failed} (gauge, 1 while it is {@code FAILED}), registered when the
 * plug-in first starts or, if it cannot be launched, first exits; a plug-in whose channel
 * was removed gets none again.
 *
 * @author pipe-io
 */
public class PipePluginMetrics implements MeterBinder, PluginObserver, PipeServerListener {

	/**
	 * Each plug-in's meters, as the registry holds them (a filter may have renamed them).
	 */
	private final Map<PluginSupervisor, List<Meter>> plugins = new ConcurrentHashMap<>();

	/**
	 * The plug-ins of channels removed, weak: a host may add and remove them for as long
	 * as it runs. Guarded by {@code this}.
	 */
	private final Set<PluginSupervisor> removed = Collections.newSetFromMap(new WeakHashMap<>());

	private volatile @Nullable MeterRegistry registry;

	@Override
	public synchronized void bindTo(MeterRegistry registry) {
		this.registry = registry;
		this.plugins.forEach((plugin, meters) -> bind(registry, plugin, meters));
	}

	@Override
	public void onStarted(PluginSupervisor plugin, long pid) {
		track(plugin);
	}

	/**
	 * A plug-in that could not be launched exits without having started: it gets its
	 * meters too, so that its restarts are counted and it shows as not running.
	 */
	@Override
	public void onExited(PluginSupervisor plugin, PluginExit exit) {
		track(plugin);
	}

	/**
	 * Under this object's lock, as the removal is: an exit told late, by a thread a
	 * blocked observer held up, must not bring back the meters of a plug-in whose channel
	 * was removed, which would then read that plug-in in place of a new one of the same
	 * name.
	 */
	private synchronized void track(PluginSupervisor plugin) {
		if (this.removed.contains(plugin)) {
			return;
		}
		List<Meter> meters = new CopyOnWriteArrayList<>();
		if (this.plugins.putIfAbsent(plugin, meters) == null) {
			MeterRegistry meterRegistry = this.registry;
			if (meterRegistry != null) {
				bind(meterRegistry, plugin, meters);
			}
		}
	}

	/**
	 * Forget the plug-in of a channel that was removed and remove the very meters
	 * registered for it, so that a host adding and removing plug-ins keeps none, even
	 * behind a filter that renames them.
	 */
	@Override
	public synchronized void onRemoved(PipeServer server) {
		MeterRegistry meterRegistry = this.registry;
		this.plugins.entrySet().removeIf((entry) -> {
			if (!entry.getKey().getChannel().equals(server.getChannel())) {
				return false;
			}
			this.removed.add(entry.getKey());
			if (meterRegistry != null) {
				entry.getValue().forEach(meterRegistry::remove);
			}
			return true;
		});
	}

	private static void bind(MeterRegistry registry, PluginSupervisor plugin, List<Meter> meters) {
		meters.add(FunctionCounter.builder("pipeio.plugin.restarts", plugin, PluginSupervisor::getRestarts)
			.description("Restarts of the channel's plug-in process")
			.tag("channel", plugin.getChannel())
			.register(registry));
		meters.add(Gauge.builder("pipeio.plugin.running", plugin, (p) -> (p.getState() == PluginState.RUNNING) ? 1 : 0)
			.description("Whether the channel's plug-in process runs (1) or not (0)")
			.tag("channel", plugin.getChannel())
			.strongReference(true)
			.register(registry));
		// Its channel runs on, in state RUNNING: this is what an alert can tell a plug-in
		// that gave up by.
		meters.add(Gauge.builder("pipeio.plugin.failed", plugin, (p) -> (p.getState() == PluginState.FAILED) ? 1 : 0)
			.description("Whether the channel's plug-in gave up restarting or exited with a failure it is not"
					+ " restarted after (1) or not (0)")
			.tag("channel", plugin.getChannel())
			.strongReference(true)
			.register(registry));
	}

}
