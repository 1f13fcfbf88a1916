package io.pipeio.plugin;

/**
 * Told what a {@link PluginSupervisor} does. Called on the supervisor's threads: be
 * quick.
 *
 * @author pipe-io
 */
public interface PluginObserver {

	/**
	 * A plug-in process started.
	 * @param plugin the supervisor
	 * @param pid the process id
	 */
	default void onStarted(PluginSupervisor plugin, long pid) {
	}

	/**
	 * A plug-in process exited, or was stopped.
	 * @param plugin the supervisor
	 * @param exitCode its exit code (128 + n when killed by signal n), or -1 if it could
	 * not be launched
	 * @param willRestart whether it is started again
	 */
	default void onExited(PluginSupervisor plugin, int exitCode, boolean willRestart) {
	}

	/**
	 * A line the plug-in wrote to its stderr, cut to a bounded length.
	 * @param plugin the supervisor
	 * @param line the line, without newline
	 */
	default void onStderrLine(PluginSupervisor plugin, String line) {
	}

}
