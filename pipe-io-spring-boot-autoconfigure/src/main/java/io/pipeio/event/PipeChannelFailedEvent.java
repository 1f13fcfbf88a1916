package io.pipeio.event;

/**
 * A channel failed: a pipe is missing and cannot be re-created, is replaced by something
 * that is not a FIFO, or an engine thread died. The channel returns to running (with a
 * {@link PipeChannelStartedEvent}) if the problem goes away.
 *
 * @author pipe-io
 */
public class PipeChannelFailedEvent extends PipeChannelEvent {

	private static final long serialVersionUID = 1L;

	private final Throwable cause;

	/**
	 * Create an event.
	 * @param source the object publishing it
	 * @param channel the channel name
	 * @param cause why it failed
	 */
	public PipeChannelFailedEvent(Object source, String channel, Throwable cause) {
		super(source, channel);
		this.cause = cause;
	}

	/**
	 * @return why the channel failed
	 */
	public Throwable getCause() {
		return this.cause;
	}

}
