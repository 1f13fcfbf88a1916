package io.pipeio.actuate;

import io.micrometer.observation.Observation;

/**
 * The context of a {@code pipeio.listener} observation: one listener call for one line.
 *
 * @author pipe-io
 */
public class PipeListenerObservationContext extends Observation.Context {

	private final String channel;

	/**
	 * Create a context.
	 * @param channel the channel name
	 */
	public PipeListenerObservationContext(String channel) {
		this.channel = channel;
	}

	/**
	 * @return the channel name
	 */
	public String getChannel() {
		return this.channel;
	}

}
