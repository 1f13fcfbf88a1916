package io.pipeio.plugin;

import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Waits for processes to exit on threads of its own. {@link Process#onExit()} and
 * {@link ProcessHandle#onExit()} complete through the common fork-join pool, which an
 * application may keep busy (on JDK 25 with two CPUs one blocked task is enough): an exit
 * would then go unnoticed, and the plug-in unrestarted, for as long as that task runs.
 *
 * @author pipe-io
 */
final class ExitWatch {

	/** The longest pause, in milliseconds, between two looks at a process. */
	private static final long MAX_PAUSE_MILLIS = 20;

	private ExitWatch() {
	}

	/**
	 * Tell of a child process's exit, on a daemon thread that waits for it.
	 * @param process the process started by this JVM
	 * @param threadName the name of the waiting thread
	 * @param exited given the exit code once the process has exited
	 */
	static void watch(Process process, String threadName, IntConsumer exited) {
		Thread watcher = new Thread(() -> exited.accept(waitFor(process)), threadName);
		watcher.setDaemon(true);
		watcher.start();
	}

	private static int waitFor(Process process) {
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return process.waitFor();
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Wait for a process, not necessarily a child, to exit, by looking at it every few
	 * milliseconds.
	 * @param process the process
	 * @param deadline the {@link System#nanoTime()} to give up at
	 * @return whether it exited in time
	 * @throws InterruptedException if interrupted while waiting
	 */
	static boolean awaitExit(ProcessHandle process, long deadline) throws InterruptedException {
		long pauseMillis = 1;
		while (!hasExited(process)) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				return false;
			}
			Thread.sleep(Math.min(pauseMillis, TimeUnit.NANOSECONDS.toMillis(remaining) + 1));
			pauseMillis = Math.min(pauseMillis * 2, MAX_PAUSE_MILLIS);
		}
		return true;
	}

	/**
	 * Whether a process exited: also one that waits as a zombie for its parent to reap
	 * it, which its handle still reports alive. A plug-in's child whose parent was killed
	 * belongs to the system's first process then, which may reap it seconds later (in a
	 * container, where that process is often not an init), and a stop must not wait for
	 * that.
	 */
	static boolean hasExited(ProcessHandle process) {
		if (!process.isAlive()) {
			return true;
		}
		char state = state(process);
		return state == 'Z' || (state == '?' && !process.isAlive());
	}

	/**
	 * @param process the process
	 * @return whether it is stopped by a signal or stopped while traced ({@code T} or
	 * {@code t}); false if it is gone or that cannot be told
	 */
	static boolean isStopped(ProcessHandle process) {
		char state = state(process);
		return state == 'T' || state == 't';
	}

	/**
	 * The state of a process as {@code /proc/<pid>/stat} tells it: {@code R} running,
	 * {@code S} or {@code D} waiting, {@code T} stopped, {@code Z} a zombie, and so on.
	 * @param process the process
	 * @return its state, or {@code ?} if it is gone, or cannot be told: then only
	 * {@link ProcessHandle#isAlive()} knows
	 */
	static char state(ProcessHandle process) {
		return ProcStat.read(process.pid()).map(ProcStat::state).orElse('?');
	}

	/**
	 * A process for a log line: its pid, and what {@code /proc/<pid>/stat} tells of its
	 * command and state, such as {@code 4242 (python3, S)}; only the pid if it is gone or
	 * that cannot be told.
	 * @param process the process
	 * @return the description
	 */
	static String describe(ProcessHandle process) {
		return ProcStat.read(process.pid())
			.map((stat) -> process.pid() + " (" + stat.command() + ", " + stat.state() + ")")
			.orElseGet(() -> Long.toString(process.pid()));
	}

}
