package io.pipeio.event;

/**
 * A channel resumed.
 *
 * @author pipe-io
 */
public class PipeChannelResumedEvent extends PipeChannelEvent {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an event.
	 * @param source the object publishing it
	 * @param channel the channel name
	 */
	public PipeChannelResumedEvent(Object source, String channel) {
		super(source, channel);
	}

}
