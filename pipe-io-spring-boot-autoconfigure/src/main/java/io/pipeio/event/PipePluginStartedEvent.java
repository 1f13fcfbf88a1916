package io.pipeio.event;

/**
 * The plug-in process of a channel started (also after a restart).
 *
 * @author pipe-io
 */
public class PipePluginStartedEvent extends PipeChannelEvent {

	private static final long serialVersionUID = 1L;

	private final long pid;

	/**
	 * Create an event.
	 * @param source the object publishing it
	 * @param channel the channel name
	 * @param pid the process id
	 */
	public PipePluginStartedEvent(Object source, String channel, long pid) {
		super(source, channel);
		this.pid = pid;
	}

	/**
	 * @return the process id
	 */
	public long getPid() {
		return this.pid;
	}

}
