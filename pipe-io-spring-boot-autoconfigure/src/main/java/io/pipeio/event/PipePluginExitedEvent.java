package io.pipeio.event;

import io.pipeio.plugin.PluginExit;
import org.springframework.util.Assert;

/**
 * The plug-in process of a channel exited, crashed, was stopped or restarted, or could
 * not be launched: {@link #getReason()} tells which, as its exit code alone may not
 * (SIGTERM gives 143, whoever sent it).
 *
 * @author pipe-io
 */
public class PipePluginExitedEvent extends PipeChannelEvent {

	private static final long serialVersionUID = 1L;

	// Its parts rather than the PluginExit, which is not serializable, as events are.
	private final int exitCode;

	private final PluginExit.Reason reason;

	private final boolean willRestart;

	/**
	 * Create an event.
	 * @param source the object publishing it
	 * @param channel the channel name
	 * @param exit how the plug-in ended
	 */
	public PipePluginExitedEvent(Object source, String channel, PluginExit exit) {
		super(source, channel);
		Assert.notNull(exit, "'exit' must not be null");
		this.exitCode = exit.code();
		this.reason = exit.reason();
		this.willRestart = exit.willRestart();
	}

	/**
	 * @return the exit code (128 + n when killed by signal n, -1 if it could not be
	 * launched)
	 */
	public int getExitCode() {
		return this.exitCode;
	}

	/**
	 * @return why it ended: by itself, stopped or restarted by pipe-io, ended by pipe-io
	 * as failed, or never launched
	 */
	public PluginExit.Reason getReason() {
		return this.reason;
	}

	/**
	 * @return whether the plug-in is started again
	 */
	public boolean isWillRestart() {
		return this.willRestart;
	}

	@Override
	public String toString() {
		return "PipePluginExitedEvent[channel=" + getChannel() + ", exitCode=" + this.exitCode + ", reason="
				+ this.reason + ", willRestart=" + this.willRestart + "]";
	}

}
