package io.pipeio.event;

/**
 * A client started writing to a channel's in pipe: its first bytes arrived after no
 * client was there. A client that opened the pipe without writing is not seen yet.
 *
 * @author pipe-io
 */
public class PipeClientConnectedEvent extends PipeChannelEvent {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an event.
	 * @param source the object publishing it
	 * @param channel the channel name
	 */
	public PipeClientConnectedEvent(Object source, String channel) {
		super(source, channel);
	}

}
