package io.pipeio.plugin;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells whether the JVM is shutting down. On Ctrl-C the terminal sends SIGINT to the
 * plug-ins as well as to the JVM, and a plug-in that exits on it is about to be stopped
 * with the application: it is not to be restarted, nor its exit reported as a failure.
 * <p>
 * The JDK has no query for this; a shutdown hook can no longer be added once the hooks
 * run, which is what is asked here.
 *
 * @author pipe-io
 */
final class JvmShutdown {

	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	/**
	 * How a process ends on the signals that stop a whole process group at once, the
	 * application with its plug-ins (128 + the signal: killed by it, or a shell's exit on
	 * it): SIGHUP (its terminal closed), SIGINT (Ctrl-C), SIGTERM (systemd's default
	 * {@code KillMode=control-group}, {@code timeout}, a kill of the group).
	 */
	private static final Set<Integer> GROUP_SIGNAL_EXITS = Set.of(128 + 1, 128 + 2, 128 + 15);

	/**
	 * How long such an exit waits for the JVM's shutdown to begin: the JVM gets the
	 * signal at the same moment, and the plug-in's exit may be seen first.
	 */
	private static final Duration GROUP_SIGNAL_GRACE = Duration.ofSeconds(1);

	private JvmShutdown() {
	}

	/**
	 * Tell whether a plug-in's exit came with the application's stop: the JVM shuts down,
	 * or the exit is one of a signal that reaches the whole process group (Ctrl-C, a
	 * SIGTERM to the group) and the shutdown begins within a moment. Such an exit is not
	 * restarted, nor reported as a failure.
	 * @param code the plug-in's exit code
	 * @return whether it ended with the application
	 */
	static boolean endedWithTheApplication(int code) {
		return inProgress() || (GROUP_SIGNAL_EXITS.contains(code) && awaitInProgress(GROUP_SIGNAL_GRACE));
	}

	/**
	 * Wait a moment for the JVM's shutdown to begin: Ctrl-C reaches a plug-in and the JVM
	 * at once, and the plug-in's exit may be seen a moment before the hooks run.
	 * @param wait the longest to wait
	 * @return whether the shutdown hooks have begun to run
	 */
	private static boolean awaitInProgress(Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		while (!inProgress()) {
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			LockSupport.parkNanos(POLL_NANOS);
		}
		return true;
	}

	/**
	 * @return whether the JVM's shutdown hooks have begun to run
	 */
	static boolean inProgress() {
		Thread probe = new Thread(() -> {
		}, "pipe-io-shutdown-probe");
		try {
			Runtime.getRuntime().addShutdownHook(probe);
		}
		catch (IllegalStateException ex) {
			return true;
		}
		try {
			Runtime.getRuntime().removeShutdownHook(probe);
		}
		catch (IllegalStateException ex) {
			// the hooks began to run in between: the probe, run with them, does nothing
			return true;
		}
		return false;
	}

}
