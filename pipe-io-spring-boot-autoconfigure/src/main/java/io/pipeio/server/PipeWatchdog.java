package io.pipeio.server;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * One daemon thread for the whole JVM that checks, a few times a second, that every
 * running server's pipes are still the files it opened, and that every event loop is
 * making progress. Shared so a thousand channels do not cost a thousand extra threads; it
 * exists only while some server runs, so no engine thread outlives the last
 * {@code stop()}. Beyond a few hundred channels, their pipes are checked once a second
 * rather than every round ({@link WatchdogRounds}); the loops, which are few, every
 * round. A plain thread rather than a scheduled executor: {@code join} guarantees it is
 * gone, whereas an executor reports termination while its worker thread may still be
 * alive.
 *
 * @author pipe-io
 */
final class PipeWatchdog {

	/** How often pipes are checked; deletion is noticed well within a second. */
	static final long INTERVAL_MILLIS = 200;

	/** Checks of the event loops: run every round. */
	private static final Set<Runnable> checks = ConcurrentHashMap.newKeySet();

	/** Checks of the channels' pipes: spread over the rounds of a second when many. */
	private static final Set<Runnable> pipeChecks = ConcurrentHashMap.newKeySet();

	private static @Nullable Thread thread;

	private PipeWatchdog() {
	}

	/**
	 * Run a check every round.
	 * @param check the check; it reports its own failures
	 */
	static synchronized void register(Runnable check) {
		checks.add(check);
		startIfNeeded();
	}

	/**
	 * Run a check of a channel's pipes every round, or at least once a second when there
	 * are many of them.
	 * @param check the check; it reports its own failures
	 */
	static synchronized void registerPipeCheck(Runnable check) {
		pipeChecks.add(check);
		startIfNeeded();
	}

	private static void startIfNeeded() {
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
			pipeChecks.remove(check);
			if (checks.isEmpty() && pipeChecks.isEmpty() && thread != null) {
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

	/**
	 * @return {@code false} if this thread was replaced by a new one meanwhile (the last
	 * server stopped and another started) and must end
	 */
	private static boolean runAll(Thread self, Collection<Runnable> round) {
		for (Runnable check : round) {
			if (!isCurrent(self)) {
				return false;
			}
			// a check from an earlier sweep may have been unregistered since
			if (checks.contains(check) || pipeChecks.contains(check)) {
				try {
					check.run();
				}
				catch (RuntimeException | Error ex) {
					// A check reports its own failures to its server; one server must not
					// stop the others'.
				}
			}
		}
		return true;
	}

	private static synchronized boolean isCurrent(Thread candidate) {
		return thread == candidate;
	}

	private static void run() {
		Thread self = Thread.currentThread();
		WatchdogRounds rounds = new WatchdogRounds(INTERVAL_MILLIS);
		while (isCurrent(self)) {
			try {
				Thread.sleep(INTERVAL_MILLIS);
			}
			catch (InterruptedException ex) {
				// the last server stopped (the loop ends), or a stray interrupt (it goes
				// on)
				continue;
			}
			if (!runAll(self, checks) || !runAll(self, rounds.nextRound(pipeChecks))) {
				return;
			}
		}
	}

}
