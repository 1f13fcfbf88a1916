package io.pipeio.plugin;

/**
 * Work to do between one instance of the plug-in and the next, such as failing the
 * requests an instance took with it: called under the supervisor's lock as an instance
 * starts and as it ends, so no next instance starts meanwhile. Be quick, and do not wait
 * for anything that may wait for this supervisor; the {@link PluginObserver} is told
 * afterwards, under no lock. What one throws fails the start or restart that called it
 * (the instance it was told of runs on, supervised); a checked exception it does not
 * declare reaches that caller as an
 * {@link java.lang.reflect.UndeclaredThrowableException}.
 *
 * @author pipe-io
 * @see PluginSupervisor#PluginSupervisor(String, PluginSettings, java.nio.file.Path,
 * java.nio.file.Path, PluginObserver, PluginHandover, PluginSupervisor.FifoCheck)
 */
public interface PluginHandover {

	/**
	 * An instance started.
	 * @param plugin the supervisor
	 * @param pid the process id
	 */
	default void started(PluginSupervisor plugin, long pid) {
	}

	/**
	 * An instance exited, was stopped or restarted, or could not be launched.
	 * @param plugin the supervisor
	 * @param exit its exit code, why it ended and whether it is started again
	 */
	default void exited(PluginSupervisor plugin, PluginExit exit) {
	}

}
