package io.pipeio.core;

import java.nio.file.Path;
import java.util.function.Supplier;

import io.pipeio.plugin.PluginState;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a channel's plug-in on the out pipe the channel serves: when the channel makes
 * that pipe again (it was deleted or replaced), a plug-in started before reads the old
 * one, which nobody writes to any more, so it is restarted on the new one whatever its
 * restart policy. Two paths ask for it, whichever comes first: the watchdog's news of the
 * new pipe, for an instance still running, and the exit of an instance started before it,
 * such as one that ended at the old pipe's end with code 0, which {@code on-failure} does
 * not restart.
 *
 * @author pipe-io
 */
final class PluginOutPipe {

	private static final Log logger = LogFactory.getLog(ChannelPlugin.class);

	private final PipeChannel channel;

	private final PipeServer server;

	private final PluginSupervisor supervisor;

	/**
	 * The out pipe's replacements when the running instance was launched: one that
	 * counted fewer reads a pipe the channel no longer writes to. (Read as it is told of
	 * its start, a moment after the launch checked that it got the pipe served then.)
	 */
	private volatile long atLaunch;

	/** Taken by a restart onto a new out pipe: one restart for each replacement. */
	private final Object restartLock = new Object();

	PluginOutPipe(PipeChannel channel, PipeServer server, PluginSupervisor supervisor) {
		this.channel = channel;
		this.server = server;
		this.supervisor = supervisor;
	}

	/** An instance was launched, on the out pipe served now. */
	void launched() {
		this.atLaunch = this.server.getOutPipeReplacements();
	}

	/**
	 * An instance ended.
	 * @param willRestart whether its supervisor restarts it anyway
	 */
	void exited(boolean willRestart) {
		if (!willRestart && isOld()) {
			restart();
		}
	}

	/**
	 * A pipe of the channel was made again. Called on the watchdog thread, which must not
	 * wait for the plug-in's stop.
	 * @param path the pipe's path
	 */
	void recreated(Path path) {
		if (path.equals(this.server.getSettings().getOutPath()) && this.supervisor.getState() == PluginState.RUNNING
				&& isOld()) {
			restart();
		}
	}

	private boolean isOld() {
		return this.atLaunch != this.server.getOutPipeReplacements();
	}

	/**
	 * Restart the plug-in on a thread of its own: the exit's handling and the watchdog
	 * must not wait for it. Both may ask for one replacement (the instance ends as the
	 * watchdog tells of the new pipe): the second finds the instance on the new pipe.
	 */
	private void restart() {
		String name = this.channel.getName();
		Thread thread = new Thread(() -> {
			synchronized (this.restartLock) {
				if (this.channel.failures.isStopping() || !isOld()) {
					return;
				}
				logger.info("Plug-in of channel '" + name + "': its out pipe " + this.server.getSettings().getOutPath()
						+ " was made again; restarting it on the new one");
				try {
					this.supervisor.restartUnlessStopped();
				}
				catch (RuntimeException ex) {
					logger.warn("Could not restart the plug-in of channel '" + name + "' on its new out pipe", ex);
				}
			}
		}, "pipe-io-plugin-" + name + "-new-pipe");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * Tells a channel's plug-in, once the channel has made it, of its pipes made again:
	 * the channel's engine, and its listeners, are made before its plug-in.
	 */
	static final class Events implements PipeServerListener {

		private final Supplier<@Nullable PluginOutPipe> outPipe;

		Events(Supplier<@Nullable PluginOutPipe> outPipe) {
			this.outPipe = outPipe;
		}

		@Override
		public void onPipeRecreated(PipeServer server, Path path) {
			PluginOutPipe current = this.outPipe.get();
			if (current != null) {
				current.recreated(path);
			}
		}

	}

}
