package io.pipeio.core;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How often a listener is called again with a line it failed on, and how long the channel
 * waits between the calls. Only exceptions of the listener are retried: a line that
 * cannot be converted fails the same way every time and is dropped at once. The waits
 * happen on the channel's reader, so the lines behind the failing one wait too (their
 * order is kept) and a client writing more than the pipe holds blocks meanwhile.
 *
 * @param maxAttempts how many times the listener is called with a line in all, {@code 1}
 * for no retry
 * @param initialInterval the wait before the first retry
 * @param multiplier what each wait is multiplied by for the next one, at least {@code 1}
 * @param maxInterval the longest wait
 * @author pipe-io
 */
public record PipeRetrySettings(int maxAttempts, Duration initialInterval, double multiplier, Duration maxInterval) {

	/** No retry: a line the listener fails on is dropped at once. */
	public static final PipeRetrySettings NONE = new PipeRetrySettings(1, Duration.ZERO, 1, Duration.ZERO);

	/**
	 * Create settings.
	 */
	public PipeRetrySettings {
		Assert.isTrue(maxAttempts >= 1, "'maxAttempts' must be at least 1");
		Assert.notNull(initialInterval, "'initialInterval' must not be null");
		Assert.isTrue(!initialInterval.isNegative(), "'initialInterval' must not be negative");
		Assert.isTrue(multiplier >= 1, "'multiplier' must be at least 1");
		Assert.notNull(maxInterval, "'maxInterval' must not be null");
		Assert.isTrue(!maxInterval.isNegative(), "'maxInterval' must not be negative");
	}

	/**
	 * Return the wait after a failed attempt.
	 * @param failedAttempts how many attempts failed so far, at least 1
	 * @return the wait before the next attempt
	 */
	public Duration backoff(int failedAttempts) {
		double millis = this.initialInterval.toMillis() * Math.pow(this.multiplier, Math.max(0, failedAttempts - 1));
		return (millis >= this.maxInterval.toMillis()) ? this.maxInterval : Duration.ofMillis((long) millis);
	}

}
