package io.pipeio.actuate;

import io.pipeio.core.PipeChannel;
import io.pipeio.plugin.PluginState;
import io.pipeio.server.PipeServerState;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of one channel: UP while running, also when paused or stopped on purpose (the
 * state detail says which); DOWN only when the channel failed, with the reason.
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
		if (this.channel.getState() == PipeServerState.FAILED) {
			Throwable failure = this.channel.getLastFailure();
			builder.down();
			if (failure != null) {
				builder.withDetail("reason", failure.getClass().getName() + ": " + failure.getMessage());
			}
		}
		else if (this.channel.getPlugin() != null && this.channel.getPlugin().getState() == PluginState.FAILED) {
			builder.down()
				.withDetail("reason", "The plug-in gave up restarting (max-restarts)"
						+ " or exited with a failure and is not restarted");
		}
		else {
			builder.up();
		}
		builder.withDetails(ChannelDescriptor.describe(this.channel));
		if (this.channel.getPlugin() != null) {
			builder.withDetail("plugin", PluginDescriptor.describe(this.channel.getPlugin()));
		}
	}

}
