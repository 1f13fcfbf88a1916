package io.pipeio.plugin;

/**
 * Where a supervised plug-in is in its life.
 *
 * @author pipe-io
 */
public enum PluginState {

	/** Being launched. */
	STARTING,

	/** Its process runs. */
	RUNNING,

	/** It exited and waits for its restart. */
	BACKOFF,

	/**
	 * Not running, and not to be restarted: never started, stopped, or exited as its
	 * policy allows.
	 */
	STOPPED,

	/**
	 * It failed more than {@code max-restarts} times within the restart window, or exited
	 * with a failure and is not restarted.
	 */
	FAILED

}
