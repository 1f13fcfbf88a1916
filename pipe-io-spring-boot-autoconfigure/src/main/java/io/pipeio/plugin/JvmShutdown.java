package io.pipeio.plugin;

import java.time.Duration;
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

	private JvmShutdown() {
	}

	/**
	 * Wait a moment for the JVM's shutdown to begin: Ctrl-C reaches a plug-in and the JVM
	 * at once, and the plug-in's exit may be seen a moment before the hooks run.
	 * @param wait the longest to wait
	 * @return whether the shutdown hooks have begun to run
	 */
	static boolean awaitInProgress(Duration wait) {
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
