package io.pipeio.testsupport;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health of one channel, as {@code /actuator/health/pipeIo/<channel>} shows it, with
 * its details.
 */
public final class ChannelHealth {

	private ChannelHealth() {
	}

	/**
	 * Read a channel's health.
	 * @param context a context with pipe-io's health contributor
	 * @param channel the channel
	 * @return its health, with details
	 */
	public static Health of(ApplicationContext context, String channel) {
		CompositeHealthContributor composite = context.getBean("pipeIoHealthContributor",
				CompositeHealthContributor.class);
		HealthIndicator indicator = (HealthIndicator) composite.getContributor(channel);
		assertThat(indicator).as("health of channel '%s'", channel).isNotNull();
		return indicator.health(true);
	}

}
