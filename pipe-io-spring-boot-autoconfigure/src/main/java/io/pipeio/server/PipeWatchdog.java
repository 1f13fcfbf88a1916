package io.pipeio.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * One daemon thread for the whole JVM that checks, a few times a second, that every running
 * server's pipes are still the files it opened. Shared so a thousand channels do not cost a
 * thousand extra threads; it exists only while some server runs, so no engine thread outlives the
 * last {@code stop()}.
 *
 * @author pipe-io
 */
final class PipeWatchdog {

	/** How often pipes are checked; deletion is noticed well within a second. */
	static final long INTERVAL_MILLIS = 200;

	private static final Set<Runnable> checks = ConcurrentHashMap.newKeySet();

	private static @Nullable ScheduledExecutorService executor;

	private PipeWatchdog() {
	}

	static synchronized void register(Runnable check) {
		checks.add(check);
		if (executor == null) {
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, (runnable) -> {
				Thread thread = new Thread(runnable, "pipe-io-watchdog");
				thread.setDaemon(true);
				return thread;
			});
			scheduler.scheduleWithFixedDelay(PipeWatchdog::runChecks, INTERVAL_MILLIS, INTERVAL_MILLIS,
					TimeUnit.MILLISECONDS);
			executor = scheduler;
		}
	}

	/**
	 * Stop checking; once no check is left, the thread ends.
	 * @param check the check to remove
	 * @param timeoutMillis how long to wait for the thread to end when it was the last check
	 */
	static void unregister(Runnable check, long timeoutMillis) {
		ScheduledExecutorService toStop = null;
		synchronized (PipeWatchdog.class) {
			checks.remove(check);
			if (checks.isEmpty() && executor != null) {
				toStop = executor;
				executor = null;
			}
		}
		if (toStop != null) {
			toStop.shutdownNow();
			try {
				toStop.awaitTermination(Math.max(timeoutMillis, 0), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static void runChecks() {
		for (Runnable check : checks) {
			try {
				check.run();
			}
			catch (RuntimeException ex) {
				// A check reports its own failures to its server; one server must not stop the others'.
			}
		}
	}

}
