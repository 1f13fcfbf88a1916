package io.pipeio.actuate;

import java.time.Instant;

import io.pipeio.core.PipeChannel;
import io.pipeio.plugin.PluginState;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.PipeServerState;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of one channel: UP while running, also when paused or stopped on purpose (the
 * state detail says which); DOWN, with the reason, when the channel failed, or its
 * plug-in failed, is stopped by a signal, or, while the channel reads, leaves a request
 * that timed out unanswered.
 *
 * @author pipe-io
 */
class PipeChannelHealthIndicator extends AbstractHealthIndicator {

	private final PipeChannel channel;

	/**
	 * Create an indicator.
	 * @param channel the channel
	 */
	PipeChannelHealthIndicator(PipeChannel channel) {
		super("Health check of pipe-io channel failed");
		this.channel = channel;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		PluginSupervisor plugin = this.channel.getPlugin();
		// A paused channel does not read the answers: not the plug-in's fault.
		Instant unansweredSince = (plugin != null && !this.channel.isPaused())
				? this.channel.getUnansweredRequestSince() : null;
		// Read once, so that the status and the detail agree.
		boolean suspended = plugin != null && plugin.isSuspended();
		if (this.channel.getState() == PipeServerState.FAILED) {
			Throwable failure = this.channel.getLastFailure();
			builder.down();
			if (failure != null) {
				builder.withDetail("reason", failure.getClass().getName() + ": " + failure.getMessage());
			}
		}
		else if (plugin != null && plugin.getState() == PluginState.FAILED) {
			builder.down()
				.withDetail("reason", "The plug-in gave up restarting (max-restarts)"
						+ " or exited with a failure and is not restarted");
		}
		else if (suspended) {
			builder.down()
				.withDetail("reason", "The plug-in's processes are all stopped by a signal (SIGSTOP, SIGTSTP or"
						+ " a debugger) and serve nothing until they get SIGCONT: continue them"
						+ " (kill -CONT <pid>) or restart the plug-in (the pipeio endpoint's restart operation)");
		}
		else if (unansweredSince != null) {
			// A plug-in that does not answer serves no request: stuck, or it skipped an
			// answer and every later answer goes to the request before its own.
			builder.down()
				.withDetail("reason", "The plug-in has not answered a request sent at " + unansweredSince
						+ ", which timed out: it is slow, stuck (stopped,"
						+ " waiting for input), or skipped an answer, which shifts every later answer onto the"
						+ " request before its own; restart it (the pipeio endpoint's restart operation) if this lasts, or"
						+ " set plugin.restart-when-unanswered to have that done");
		}
		else {
			builder.up();
		}
		builder.withDetails(ChannelDescriptor.describe(this.channel));
		if (plugin != null) {
			builder.withDetail("plugin", PluginDescriptor.describe(plugin, suspended));
		}
	}

}
