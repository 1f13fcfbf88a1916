package io.pipeio.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Told of every request made with {@link PipeRequestOperations}: of its end, and, for
 * work that spans it such as a tracing observation, of its start. The metrics
 * auto-configuration records the {@code pipeio.requests} timer (or observation) with one.
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

	/**
	 * A request is about to be sent, on the thread that sends it, so that what this
	 * starts may take that thread's current observation or span as its parent.
	 * @param channel the channel name
	 * @return what to tell of the request's end as well, or {@code null} (the default)
	 * for nothing
	 */
	default @Nullable Handle onRequestStarted(String channel) {
		return null;
	}

	/**
	 * A handle on what an observer started for one request, told of its end once, on
	 * whatever thread ended it.
	 */
	@FunctionalInterface
	interface Handle {

		/**
		 * The request ended.
		 * @param outcome how it ended
		 * @param failure what failed it, or {@code null} if it was answered
		 */
		void end(PipeRequestOutcome outcome, @Nullable Throwable failure);

	}

}
