package io.pipeio.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * One daemon thread for the whole JVM that checks, a few times a second, that every
 * running server's pipes are still the files it opened. Shared so a thousand channels do
 * not cost a thousand extra threads; it exists only while some server runs, so no engine
 * thread outlives the last {@code stop()}. A plain thread rather than a scheduled
 * executor: {@code join} guarantees it is gone, whereas an executor reports termination
 * while its worker thread may still be alive.
 *
 * @author pipe-io
 */
final class PipeWatchdog {

	/** How often pipes are checked; deletion is noticed well within a second. */
	static final long INTERVAL_MILLIS = 200;

	private static final Set<Runnable> checks = ConcurrentHashMap.newKeySet();

	private static @Nullable Thread thread;

	private PipeWatchdog() {
	}

	static synchronized void register(Runnable check) {
		checks.add(check);
		if (thread == null) {
			Thread started = new Thread(PipeWatchdog::run, "pipe-io-watchdog");
			started.setDaemon(true);
			started.start();
			thread = started;
		}
	}

	/**
	 * Stop checking; once no check is left, the thread ends.
	 * @param check the check to remove
	 * @param timeoutMillis how long to wait for the thread to end when it was the last
	 * check
	 */
	static void unregister(Runnable check, long timeoutMillis) {
		Thread toStop = null;
		synchronized (PipeWatchdog.class) {
			checks.remove(check);
			if (checks.isEmpty() && thread != null) {
				toStop = thread;
				thread = null;
			}
		}
		if (toStop != null) {
			toStop.interrupt();
			try {
				toStop.join(Math.max(timeoutMillis, 1));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static synchronized boolean isCurrent(Thread candidate) {
		return thread == candidate;
	}

	private static void run() {
		Thread self = Thread.currentThread();
		while (isCurrent(self)) {
			try {
				Thread.sleep(INTERVAL_MILLIS);
			}
			catch (InterruptedException ex) {
				// the last server stopped (the loop ends), or a stray interrupt (it goes
				// on)
				continue;
			}
			for (Runnable check : checks) {
				if (!isCurrent(self)) {
					// replaced by a new thread after the last server stopped and one
					// started
					return;
				}
				try {
					check.run();
				}
				catch (RuntimeException | Error ex) {
					// A check reports its own failures to its server; one server must not
					// stop the others'.
				}
			}
		}
	}

}
