package io.pipeio.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Calling a channel's listener again with a line it threw an exception on: a channel's
 * own {@code pipe-io.channels.<name>.retry.*} or everyone's
 * {@code pipe-io.channel-defaults.retry.*}. Each unset key falls back to
 * {@code channel-defaults}, then to the documented default. A line that cannot be
 * converted is never retried.
 *
 * @author pipe-io
 */
public class PipeRetryProperties {

	static final int DEFAULT_MAX_ATTEMPTS = 1;

	static final Duration DEFAULT_INITIAL_INTERVAL = Duration.ofSeconds(1);

	static final double DEFAULT_MULTIPLIER = 2;

	static final Duration DEFAULT_MAX_INTERVAL = Duration.ofSeconds(10);

	/**
	 * How many times the listener is called with a line in all, the first call included;
	 * 1 for no retry. While a line waits to be retried the lines behind it wait too, so
	 * that their order is kept. Default 1.
	 */
	private @Nullable Integer maxAttempts;

	/**
	 * The wait before the first retry. Default 1s.
	 */
	private @Nullable Duration initialInterval;

	/**
	 * What each wait is multiplied by for the next one; 1 for equal waits. Default 2.
	 */
	private @Nullable Double multiplier;

	/**
	 * The longest wait between two attempts. Default 10s.
	 */
	private @Nullable Duration maxInterval;

	public @Nullable Integer getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(@Nullable Integer maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public @Nullable Duration getInitialInterval() {
		return this.initialInterval;
	}

	public void setInitialInterval(@Nullable Duration initialInterval) {
		this.initialInterval = initialInterval;
	}

	public @Nullable Double getMultiplier() {
		return this.multiplier;
	}

	public void setMultiplier(@Nullable Double multiplier) {
		this.multiplier = multiplier;
	}

	public @Nullable Duration getMaxInterval() {
		return this.maxInterval;
	}

	public void setMaxInterval(@Nullable Duration maxInterval) {
		this.maxInterval = maxInterval;
	}

}
