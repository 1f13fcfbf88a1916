package io.pipeio.plugin;

import java.util.Objects;

/**
 * How an instance of a plug-in ended: its exit code, why it ended, and whether it is
 * started again. The code alone cannot tell a crash from a stop: a plug-in that pipe-io
 * stops with SIGTERM, one that the system or an operator kills with SIGTERM, and one that
 * exits with 143 itself all end with 143.
 *
 * @param code its exit code (128 + n when killed by signal n), or -1 if it could not be
 * launched
 * @param reason why it ended
 * @param willRestart whether it is started again
 * @author pipe-io
 */
public record PluginExit(int code, Reason reason, boolean willRestart) {

	/**
	 * Create an exit.
	 * @param code its exit code (128 + n when killed by signal n), or -1 if it could not
	 * be launched
	 * @param reason why it ended
	 * @param willRestart whether it is started again
	 */
	public PluginExit {
		Objects.requireNonNull(reason, "reason");
	}

	/**
	 * Tell whether it failed, as a restart policy of {@code on-failure} sees it: it
	 * exited by itself with a code other than 0, could not be launched, or was ended as
	 * failed. A stop or a restart pipe-io made is no failure, whatever the code.
	 * @return whether it failed
	 */
	public boolean failed() {
		return failed(this.code, this.reason);
	}

	static boolean failed(int code, Reason reason) {
		return reason == Reason.LAUNCH_FAILED || reason == Reason.ENDED_AS_FAILED
				|| (reason == Reason.EXITED && code != 0);
	}

	/**
	 * Why an instance of a plug-in ended.
	 */
	public enum Reason {

		/**
		 * It exited by itself, or a signal pipe-io did not send ended it (the exit code
		 * tells which: 128 + n for signal n).
		 */
		EXITED,

		/**
		 * It could not be launched (the program missing, say): its exit code is -1.
		 */
		LAUNCH_FAILED,

		/**
		 * pipe-io stopped it: its channel stopped, or the application.
		 */
		STOPPED,

		/**
		 * pipe-io ended it to start it again at once: a restart that was asked for (the
		 * {@code pipeio} endpoint's), or one pipe-io made itself (its out pipe made
		 * again).
		 */
		RESTARTED,

		/**
		 * pipe-io ended it as failed for what its channel saw of it (a request it left
		 * unanswered for {@code restart-when-unanswered}): the restart policy applies as
		 * after a crash.
		 */
		ENDED_AS_FAILED

	}

}
