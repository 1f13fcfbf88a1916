package io.pipeio.actuate;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.pipeio.core.PipeChannel;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.ChannelStatistics;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeServerSettings;
import io.pipeio.server.PipeServerState;

/**
 * What operators see of one channel, shared by the health details and the {@code pipeio}
 * endpoint: paths, state, counters, queue depth, since when the channel waits for a
 * client to read its out pipe or for the answer to a request that timed out, and the last
 * error.
 *
 * @author pipe-io
 */
final class ChannelDescriptor {

	private ChannelDescriptor() {
	}

	/**
	 * Return the state an operator should see: {@code PAUSED} for a paused running
	 * channel, otherwise the engine state.
	 * @param channel the channel
	 * @return the state name
	 */
	static String state(PipeChannel channel) {
		PipeServerState state = channel.getState();
		// a paused channel that then failed is failed
		return (channel.isPaused() && state == PipeServerState.RUNNING) ? "PAUSED" : state.name();
	}

	/**
	 * @param channel the channel
	 * @return whether it is paused but not running, so that its state does not say so: it
	 * starts paused
	 */
	static boolean isPausedNotRunning(PipeChannel channel) {
		return channel.isPaused() && channel.getState() != PipeServerState.RUNNING;
	}

	/**
	 * Describe a channel.
	 * @param channel the channel
	 * @return the description, in a stable order
	 */
	static Map<String, Object> describe(PipeChannel channel) {
		PipeServerSettings settings = channel.getSettings().server();
		ChannelStatistics statistics = channel.getStatistics();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", state(channel));
		if (isPausedNotRunning(channel)) {
			// a stopped (or failed) channel that was paused starts paused
			details.put("paused", true);
		}
		details.put("inPipe", settings.getInPath().toString());
		details.put("outPipe", settings.getOutPath().toString());
		if (channel.getListenerDescription() != null) {
			details.put("listener", channel.getListenerDescription());
			if (channel.isListenerStopped()) {
				// the channel reads again when the listener's owner starts
				details.put("listenerStopped", true);
			}
		}
		details.put("clientConnected", statistics.isClientConnected());
		details.put("received", statistics.getReceivedMessages());
		details.put("sent", statistics.getSentMessages());
		Map<String, Long> dropped = new LinkedHashMap<>();
		dropped.put("total", statistics.getDroppedTotal());
		for (DropReason reason : DropReason.values()) {
			dropped.put(reason.tag(), statistics.getDropped(reason));
		}
		details.put("dropped", dropped);
		details.put("sendQueueSize", channel.getSendQueueSize());
		details.put("sendQueueBytes", channel.getSendQueueBytes());
		Instant waitingSince = channel.getWaitingForReaderSince();
		if (waitingSince != null) {
			// The out pipe and the send queue are full: since then, no client has read
			// enough.
			details.put("waitingForReaderSince", waitingSince.toString());
		}
		Instant unansweredSince = channel.getUnansweredRequestSince();
		if (unansweredSince != null) {
			// A request timed out and its answer has not come: the other end is late,
			// stuck, or skipped an answer.
			details.put("unansweredRequestSince", unansweredSince.toString());
		}
		ChannelStatistics.LastError lastError = statistics.getLastError();
		if (lastError != null) {
			Map<String, Object> error = new LinkedHashMap<>();
			error.put("time", lastError.time().toString());
			error.put("type", lastError.type());
			error.put("message", lastError.message());
			details.put("lastError", error);
		}
		PluginSupervisor plugin = channel.getPlugin();
		if (plugin != null) {
			details.put("plugin", PluginDescriptor.describe(plugin));
		}
		return details;
	}

}
