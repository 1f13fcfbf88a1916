package io.pipeio.core;

import java.time.Duration;

/**
 * Told of every finished request made with {@link PipeRequestOperations}; the metrics
 * auto-configuration records the {@code pipeio.requests} timer with one.
 *
 * @author pipe-io
 */
@FunctionalInterface
public interface PipeRequestObserver {

	/**
	 * A request ended.
	 * @param channel the channel name
	 * @param outcome how it ended
	 * @param duration from sending to its end
	 */
	void onRequestCompleted(String channel, PipeRequestOutcome outcome, Duration duration);

}
