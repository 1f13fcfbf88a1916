package io.pipeio.event;

/**
 * Every client closed a channel's in pipe (a plug-in exited, crashed or closed it). A
 * line it left unfinished was dropped, counted as {@code incomplete} and given to the
 * error handler.
 *
 * @author pipe-io
 */
public class PipeClientDisconnectedEvent extends PipeChannelEvent {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an event.
	 * @param source the object publishing it
	 * @param channel the channel name
	 */
	public PipeClientDisconnectedEvent(Object source, String channel) {
		super(source, channel);
	}

}
