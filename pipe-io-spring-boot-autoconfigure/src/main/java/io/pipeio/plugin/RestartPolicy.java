package io.pipeio.plugin;

/**
 * When a plug-in that exited is started again.
 *
 * @author pipe-io
 */
public enum RestartPolicy {

	/** Whatever its exit code. */
	ALWAYS,

	/** When its exit code is not 0 (a signal counts as a failure). */
	ON_FAILURE,

	/** Never: it stays STOPPED (exit code 0) or FAILED. */
	NEVER

}
