package io.pipeio.event;

import org.springframework.context.ApplicationEvent;

/**
 * Base class of pipe-io channel events. Published on the thread that caused the change (a
 * lifecycle call, or an engine thread for failures and re-created pipes): listeners
 * should be quick or hand work off.
 *
 * @author pipe-io
 */
public abstract class PipeChannelEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final String channel;

	/**
	 * Create an event.
	 * @param source the object publishing it
	 * @param channel the channel name
	 */
	protected PipeChannelEvent(Object source, String channel) {
		super(source);
		this.channel = channel;
	}

	/**
	 * @return the channel name
	 */
	public String getChannel() {
		return this.channel;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[channel=" + this.channel + "]";
	}

}
