package io.pipeio.actuate;

import io.micrometer.observation.Observation;
import io.pipeio.core.PipeRequestOutcome;
import org.jspecify.annotations.Nullable;

/**
 * The context of a {@code pipeio.requests} observation: one request made with
 * {@link io.pipeio.core.PipeRequestOperations}, from sending it to its answer or failure.
 *
 * @author pipe-io
 */
public class PipeRequestObservationContext extends Observation.Context {

	private final String channel;

	private volatile @Nullable PipeRequestOutcome outcome;

	/**
	 * Create a context.
	 * @param channel the channel name
	 */
	public PipeRequestObservationContext(String channel) {
		this.channel = channel;
	}

	/**
	 * @return the channel name
	 */
	public String getChannel() {
		return this.channel;
	}

	/**
	 * @return how the request ended, {@code null} until it did
	 */
	public @Nullable PipeRequestOutcome getOutcome() {
		return this.outcome;
	}

	void setOutcome(PipeRequestOutcome outcome) {
		this.outcome = outcome;
	}

}
