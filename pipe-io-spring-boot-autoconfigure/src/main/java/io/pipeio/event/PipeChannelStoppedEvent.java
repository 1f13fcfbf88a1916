package io.pipeio.event;

/**
 * A channel stopped.
 *
 * @author pipe-io
 */
public class PipeChannelStoppedEvent extends PipeChannelEvent {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an event.
	 * @param source the object publishing it
	 * @param channel the channel name
	 */
	public PipeChannelStoppedEvent(Object source, String channel) {
		super(source, channel);
	}

}
