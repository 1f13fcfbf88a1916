package io.pipeio.event;

/**
 * A channel started.
 *
 * @author pipe-io
 */
public class PipeChannelStartedEvent extends PipeChannelEvent {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an event.
	 * @param source the object publishing it
	 * @param channel the channel name
	 */
	public PipeChannelStartedEvent(Object source, String channel) {
		super(source, channel);
	}

}
