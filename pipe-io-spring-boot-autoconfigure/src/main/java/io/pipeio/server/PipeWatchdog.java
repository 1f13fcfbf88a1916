package io.pipeio.server;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One daemon thread for the whole JVM that checks, a few times a second, that every
 * running server's pipes are still the files it opened and served by live threads, and
 * that every event loop is making progress. Shared so a thousand channels do not cost a
 * thousand extra threads; it exists only while some server runs, so no engine thread
 * outlives the last {@code stop()}.
 * <p>
 * The loops, which are few, are checked every round. Each channel is checked every round
 * up to a few hundred channels, and once a second beyond ({@link WatchdogRounds}), but
 * that check looks at the pipes' paths, a system call each, only when needed: when their
 * directory tells that an entry of their names changed ({@link WatchedPipeChecks}, by
 * {@code inotify}), in a sweep every {@value #WATCHED_SWEEP_MILLIS} ms for what no event
 * shows (a parent directory renamed), and every time where the directory is not watched.
 * Thousands of idle channels then cost next to nothing.
 * <p>
 * A plain thread rather than a scheduled executor: {@code join} guarantees it is gone,
 * whereas an executor reports termination while its worker thread may still be alive.
 *
 * @author pipe-io
 */
final class PipeWatchdog {

	private static final Log logger = LogFactory.getLog(PipeWatchdog.class);

	/** How often the watchdog looks; a deleted pipe is noticed well within a second. */
	static final long INTERVAL_MILLIS = 200;

	/**
	 * How often a pipe whose directory is watched is looked at without an event: what no
	 * event tells (a parent directory renamed or replaced) is noticed within this time.
	 */
	static final long WATCHED_SWEEP_MILLIS = 10_000;

	/**
	 * How often the directories that are not watched are tried again: every 10 s, so a
	 * directory deleted and made again goes back to events.
	 */
	private static final int WATCH_AGAIN_ROUNDS = (int) (WATCHED_SWEEP_MILLIS / INTERVAL_MILLIS);

	/** How often the lock files of the pipe directories are looked at: every second. */
	private static final int LOCK_CHECK_ROUNDS = (int) (1000 / INTERVAL_MILLIS);

	/** Checks of the event loops: run every round. */
	private static final Set<Runnable> checks = ConcurrentHashMap.newKeySet();

	/** Checks of the channels, with the paths of their pipes. */
	private static final Map<PipeCheck, List<Path>> pipeChecks = new ConcurrentHashMap<>();

	/** Counts registrations and removals of pipe checks: a round without any is cheap. */
	private static final AtomicLong pipeCheckChanges = new AtomicLong();

	/** {@link #WATCHED_SWEEP_MILLIS}, but for tests that show what events alone do. */
	private static volatile long watchedSweepMillis = WATCHED_SWEEP_MILLIS;

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
	 * Run a check of a channel every round, or at least once a second when there are
	 * many, telling it when to look at its pipes' paths too.
	 * @param check the check; it reports its own failures
	 * @param paths the paths of the pipes it checks
	 */
	static synchronized void registerPipeCheck(PipeCheck check, List<Path> paths) {
		pipeChecks.put(check, List.copyOf(paths));
		pipeCheckChanges.incrementAndGet();
		startIfNeeded();
	}

	/**
	 * Set how often pipes whose directories are watched are looked at without an event.
	 * @param millis the time of a sweep over them
	 */
	static void setWatchedSweepMillis(long millis) {
		watchedSweepMillis = millis;
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
	 * Stop running a check; once no check is left, the thread ends.
	 * @param check the check given to {@link #register(Runnable)}
	 * @param timeoutMillis how long to wait for the thread to end when it was the last
	 * check
	 */
	static void unregister(Runnable check, long timeoutMillis) {
		Thread toStop;
		synchronized (PipeWatchdog.class) {
			checks.remove(check);
			toStop = endIfIdle();
		}
		awaitEnd(toStop, timeoutMillis);
	}

	/**
	 * Stop running a channel's check; once no check is left, the thread ends.
	 * @param check the check given to {@link #registerPipeCheck(PipeCheck, List)}
	 * @param timeoutMillis how long to wait for the thread to end when it was the last
	 * check
	 */
	static void unregisterPipeCheck(PipeCheck check, long timeoutMillis) {
		Thread toStop;
		synchronized (PipeWatchdog.class) {
			if (pipeChecks.remove(check) != null) {
				pipeCheckChanges.incrementAndGet();
			}
			toStop = endIfIdle();
		}
		awaitEnd(toStop, timeoutMillis);
	}

	/**
	 * @return the thread to stop when no check is left, else null
	 */
	private static @Nullable Thread endIfIdle() {
		Thread toStop = null;
		if (checks.isEmpty() && pipeChecks.isEmpty() && thread != null) {
			toStop = thread;
			thread = null;
		}
		return toStop;
	}

	private static void awaitEnd(@Nullable Thread toStop, long timeoutMillis) {
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
		WatchdogRounds<PipeCheck> channelRounds = WatchdogRounds.everySecond(INTERVAL_MILLIS);
		WatchdogRounds<PipeCheck> watchedRounds = WatchdogRounds.spread(INTERVAL_MILLIS, () -> watchedSweepMillis);
		Set<PipeCheck> lookAtPaths = new LinkedHashSet<>();
		long seenChanges = -1;
		long rounds = 0;
		boolean failing = false;
		try (WatchedPipeChecks watched = new WatchedPipeChecks(DirectoryEvents.open())) {
			while (isCurrent(self)) {
				try {
					Thread.sleep(INTERVAL_MILLIS);
				}
				catch (InterruptedException ex) {
					// the last server stopped (the loop ends), or a stray interrupt (it
					// goes on)
					continue;
				}
				// A failure of the round's own bookkeeping (a class that cannot be loaded
				// while the process is out of descriptors, say) must not end the thread:
				// nothing would check any channel again, and none would tell.
				try {
					long changes = pipeCheckChanges.get();
					if (changes != seenChanges) {
						watched.update(pipeChecks);
						seenChanges = changes; // once taken in: a failed update is tried
												// again
					}
					if (++rounds % WATCH_AGAIN_ROUNDS == 0) {
						watched.watchAgain(pipeChecks);
					}
					if (rounds % LOCK_CHECK_ROUNDS == 0) {
						run(DirectoryLocks::lockAgainWhereDeleted);
					}
					for (Runnable check : checks) {
						if (!isCurrent(self)) {
							return;
						}
						run(check);
					}
					lookAtPaths.addAll(watched.due());
					lookAtPaths.addAll(watchedRounds.nextRound(watched.watched()));
					for (PipeCheck check : channelRounds.nextRound(pipeChecks.keySet())) {
						if (!isCurrent(self)) {
							return;
						}
						run(check, lookAtPaths.remove(check) || watched.isUnwatched(check));
					}
					for (PipeCheck check : lookAtPaths) {
						if (!isCurrent(self)) {
							return;
						}
						run(check, true);
					}
					lookAtPaths.clear();
					if (failing) {
						failing = false;
						logger.info("The pipe-io watchdog checks the channels again");
					}
				}
				catch (Throwable ex) {
					if (!failing) {
						failing = true;
						warnQuietly("A round of the pipe-io watchdog failed; it tries again every " + INTERVAL_MILLIS
								+ " ms, and says when it succeeds", ex);
					}
				}
			}
		}
	}

	/** Log, unless logging fails too (out of descriptors): the thread must go on. */
	private static void warnQuietly(String message, Throwable ex) {
		try {
			logger.warn(message, ex);
		}
		catch (RuntimeException | Error logFailure) {
			// nothing left to tell it with
		}
	}

	private static void run(Runnable check) {
		try {
			check.run();
		}
		catch (Throwable ex) {
			// A check reports its own failures to its server; one server must not stop
			// the others'.
		}
	}

	private static void run(PipeCheck check, boolean paths) {
		// a check from an earlier sweep may have been unregistered since
		if (pipeChecks.containsKey(check)) {
			try {
				check.check(paths);
			}
			catch (Throwable ex) {
				// as above
			}
		}
	}

	/**
	 * The check of one channel.
	 */
	@FunctionalInterface
	interface PipeCheck {

		/**
		 * Check that the threads or loop serving the channel are alive, and repair what
		 * is not.
		 * @param paths whether to look at the pipes' paths too (a system call each): that
		 * they are still the files the channel opened
		 */
		void check(boolean paths);

	}

}
