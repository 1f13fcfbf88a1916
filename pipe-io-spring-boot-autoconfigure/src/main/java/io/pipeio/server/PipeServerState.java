package io.pipeio.server;

/**
 * Lifecycle states of a {@link PipeServer}.
 *
 * @author pipe-io
 */
public enum PipeServerState {

	/** Created or stopped: no thread runs, no pipe is open. */
	STOPPED,

	/** {@code start()} is preparing the pipes and threads. */
	STARTING,

	/** Serving lines in both directions. */
	RUNNING,

	/** {@code stop()} is draining and closing. */
	STOPPING,

	/**
	 * A pipe could not be opened, re-created or read; the server keeps watching the paths
	 * and returns to {@link #RUNNING} when they are usable again. See
	 * {@link PipeServer#getLastFailure()}.
	 */
	FAILED

}
