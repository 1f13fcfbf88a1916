package io.pipeio.event;

/**
 * The plug-in process of a channel exited, crashed or was stopped.
 *
 * @author pipe-io
 */
public class PipePluginExitedEvent extends PipeChannelEvent {

	private static final long serialVersionUID = 1L;

	private final int exitCode;

	private final boolean willRestart;

	/**
	 * Create an event.
	 * @param source the object publishing it
	 * @param channel the channel name
	 * @param exitCode the exit code (128 + n when killed by signal n, -1 if it could not
	 * be launched)
	 * @param willRestart whether it is started again
	 */
	public PipePluginExitedEvent(Object source, String channel, int exitCode, boolean willRestart) {
		super(source, channel);
		this.exitCode = exitCode;
		this.willRestart = willRestart;
	}

	/**
	 * @return the exit code (128 + n when killed by signal n, -1 if it could not be
	 * launched)
	 */
	public int getExitCode() {
		return this.exitCode;
	}

	/**
	 * @return whether the plug-in is started again
	 */
	public boolean isWillRestart() {
		return this.willRestart;
	}

	@Override
	public String toString() {
		return "PipePluginExitedEvent[channel=" + getChannel() + ", exitCode=" + this.exitCode + ", willRestart="
				+ this.willRestart + "]";
	}

}
