package io.pipeio.plugin;

/**
 * Told what a {@link PluginSupervisor} does: in order, on the thread that did it (or that
 * is telling an earlier change), with no lock of the supervisor held, so an observer may
 * stop or restart the plug-in or its channel. Be quick all the same: the supervisor's own
 * thread is held up meanwhile. What one throws, a checked exception it does not declare
 * (as Kotlin code may) included, the supervisor takes for a failure of the observer, as
 * it takes a {@link RuntimeException}: a checked one reaches the caller of a start, stop
 * or restart as an {@link java.lang.reflect.UndeclaredThrowableException}.
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
	 * A plug-in process exited, was stopped or restarted, or could not be launched.
	 * @param plugin the supervisor
	 * @param exit its exit code, why it ended and whether it is started again
	 */
	default void onExited(PluginSupervisor plugin, PluginExit exit) {
	}

	/**
	 * A line the plug-in wrote to its stderr, cut to a bounded length.
	 * @param plugin the supervisor
	 * @param line the line, without newline
	 */
	default void onStderrLine(PluginSupervisor plugin, String line) {
	}

}
