package io.pipeio.actuate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pipeio.plugin.PluginObserver;
import io.pipeio.plugin.PluginState;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import org.jspecify.annotations.Nullable;

/**
 * Meters of the plug-in processes, tag {@code channel}: {@code pipeio.plugin.restarts}
 * (counter) and {@code pipeio.plugin.running} (gauge, 1 while the process runs).
 *
 * @author pipe-io
 */
public class PipePluginMetrics implements MeterBinder, PluginObserver, PipeServerListener {

	private final Map<PluginSupervisor, Boolean> plugins = new ConcurrentHashMap<>();

	private volatile @Nullable MeterRegistry registry;

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		this.plugins.keySet().forEach((plugin) -> bind(registry, plugin));
	}

	@Override
	public void onStarted(PluginSupervisor plugin, long pid) {
		if (this.plugins.putIfAbsent(plugin, Boolean.TRUE) == null) {
			MeterRegistry meterRegistry = this.registry;
			if (meterRegistry != null) {
				bind(meterRegistry, plugin);
			}
		}
	}

	/**
	 * Forget the plug-in of a channel that was removed (its meters go with the channel's,
	 * see {@link PipeIoMetrics}), so that a host adding and removing plug-ins keeps none.
	 */
	@Override
	public void onRemoved(PipeServer server) {
		this.plugins.keySet().removeIf((plugin) -> plugin.getChannel().equals(server.getChannel()));
	}

	private static void bind(MeterRegistry registry, PluginSupervisor plugin) {
		FunctionCounter.builder("pipeio.plugin.restarts", plugin, PluginSupervisor::getRestarts)
			.description("Restarts of the channel's plug-in process")
			.tag("channel", plugin.getChannel())
			.register(registry);
		Gauge.builder("pipeio.plugin.running", plugin, (p) -> (p.getState() == PluginState.RUNNING) ? 1 : 0)
			.description("Whether the channel's plug-in process runs (1) or not (0)")
			.tag("channel", plugin.getChannel())
			.strongReference(true)
			.register(registry);
	}

}
