package io.pipeio.event;

/**
 * A channel paused.
 *
 * @author pipe-io
 */
public class PipeChannelPausedEvent extends PipeChannelEvent {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an event.
	 * @param source the object publishing it
	 * @param channel the channel name
	 */
	public PipeChannelPausedEvent(Object source, String channel) {
		super(source, channel);
	}

}
