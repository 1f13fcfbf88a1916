package io.pipeio.core;

/**
 * A request made with {@link PipeRequestOperations} got no answer: it timed out, the
 * plug-in restarted or the channel stopped. {@link #getOutcome()} says which.
 *
 * @author pipe-io
 */
public class PipeRequestException extends RuntimeException {

	private final String channel;

	private final PipeRequestOutcome outcome;

	/**
	 * Create an exception.
	 * @param channel the channel name
	 * @param outcome why there is no answer
	 * @param message the message
	 */
	public PipeRequestException(String channel, PipeRequestOutcome outcome, String message) {
		super(message);
		this.channel = channel;
		this.outcome = outcome;
	}

	/**
	 * @return the channel of the request
	 */
	public String getChannel() {
		return this.channel;
	}

	/**
	 * @return why there is no answer
	 */
	public PipeRequestOutcome getOutcome() {
		return this.outcome;
	}

}
