package io.pipeio.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.pipeio.plugin.PluginExit;
import io.pipeio.plugin.PluginSupervisor;
import org.jspecify.annotations.Nullable;

/**
 * The {@code plugin} detail of a channel's health: state, whether its process is stopped
 * by a signal ({@code suspended}, only then), pid, restarts, last exit (its code, and why
 * it ended) and when it started.
 *
 * @author pipe-io
 */
final class PluginDescriptor {

	private PluginDescriptor() {
	}

	static Map<String, Object> describe(PluginSupervisor plugin) {
		return describe(plugin, plugin.isSuspended());
	}

	/**
	 * @param plugin the plug-in
	 * @param suspended whether it is suspended, as {@link PluginSupervisor#isSuspended()}
	 * told the caller
	 * @return its details
	 */
	static Map<String, Object> describe(PluginSupervisor plugin, boolean suspended) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", plugin.getState().name());
		if (suspended) {
			details.put("suspended", true);
		}
		putIfPresent(details, "pid", plugin.getPid());
		details.put("restarts", plugin.getRestarts());
		PluginExit exit = plugin.getLastExit();
		if (exit != null) {
			details.put("lastExitCode", exit.code());
			if (exit.code() > 128) {
				details.put("lastExitSignal", exit.code() - 128);
			}
			details.put("lastExitReason", exit.reason().name());
		}
		putIfPresent(details, "startedAt", (plugin.getStartedAt() != null) ? plugin.getStartedAt().toString() : null);
		details.put("command", String.join(" ", plugin.getSettings().command()));
		return details;
	}

	private static void putIfPresent(Map<String, Object> details, String key, @Nullable Object value) {
		if (value != null) {
			details.put(key, value);
		}
	}

}
