package io.pipeio.plugin;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Ends a process and everything it started: SIGTERM to all of them (and SIGCONT to those
 * a signal stopped, so they can take it), SIGKILL to what is left after the timeout,
 * stopped first ({@link ProcessFreeze}) so that none starts a process the SIGKILL misses.
 * The descendants are listed while the root still runs: once it is gone its children
 * belong to init and can no longer be found from it, but by what marks them
 * ({@link InstanceMarks}).
 *
 * @author pipe-io
 */
final class ProcessTrees {

	private static final Duration KILL_WAIT = Duration.ofSeconds(10);

	private ProcessTrees() {
	}

	/**
	 * End a process tree.
	 * @param root the process
	 * @param timeout how long the processes may take to end after SIGTERM
	 * @return the processes that SIGTERM left running until the timeout and that were
	 * killed, each described as {@link ExitWatch#describe} does; empty if SIGTERM ended
	 * them all
	 */
	static List<String> terminate(ProcessHandle root, Duration timeout) {
		return terminate(root, Set::of, timeout);
	}

	/**
	 * End a process tree and the processes that left it: children of processes that
	 * exited, which can no longer be found from the root.
	 * @param root the process, which may have exited already
	 * @param leftTheTree lists the processes that may have left the tree; asked again
	 * before the SIGKILL
	 * @param timeout how long the processes may take to end after SIGTERM
	 * @return the processes that SIGTERM left running until the timeout and that were
	 * killed, each described as {@link ExitWatch#describe} does; empty if SIGTERM ended
	 * them all
	 */
	static List<String> terminate(ProcessHandle root, Supplier<Set<ProcessHandle>> leftTheTree, Duration timeout) {
		Set<ProcessHandle> tree = snapshot(root);
		// listed after the tree: one that left it meanwhile is among them
		tree.addAll(leftTheTree.get());
		return end(root, tree, leftTheTree, timeout);
	}

	/**
	 * End the processes that left the tree of a process that exited, as the caller listed
	 * them already: one listing less for each exit that left some.
	 * @param root the process, which has exited
	 * @param left the processes that left its tree, as {@code leftTheTree} listed them
	 * @param leftTheTree lists the processes that may have left the tree; asked again
	 * before the SIGKILL only
	 * @param timeout how long the processes may take to end after SIGTERM
	 * @return the processes that SIGTERM left running until the timeout and that were
	 * killed, each described as {@link ExitWatch#describe} does; empty if SIGTERM ended
	 * them all
	 */
	static List<String> terminateLeftovers(ProcessHandle root, Set<ProcessHandle> left,
			Supplier<Set<ProcessHandle>> leftTheTree, Duration timeout) {
		Set<ProcessHandle> tree = snapshot(root);
		tree.addAll(left);
		return end(root, tree, leftTheTree, timeout);
	}

	private static List<String> end(ProcessHandle root, Set<ProcessHandle> tree,
			Supplier<Set<ProcessHandle>> leftTheTree, Duration timeout) {
		tree.forEach(ProcessHandle::destroy);
		// as systemd does: one stopped by a signal (kill -STOP, a debugger) gets to end
		ProcessFreeze.resume(tree);
		if (awaitExit(tree, timeout)) {
			return List.of();
		}
		// Described before the kill, which leaves nothing to tell what each was doing
		// (running on, or stuck in the kernel), or what it was.
		List<String> running = tree.stream()
			.filter((process) -> !ExitWatch.hasExited(process))
			.map(ExitWatch::describe)
			.toList();
		// A process may have started children while it was asked to stop, and may
		// start more until it is killed: stopped first, the tree is listed whole.
		Set<ProcessHandle> left = ProcessFreeze.freeze(root, tree);
		left.addAll(leftTheTree.get());
		left.forEach(ProcessHandle::destroyForcibly);
		awaitExit(left, KILL_WAIT);
		return running;
	}

	/**
	 * The exit code of a process that was ended: its handle reports it gone as soon as it
	 * exited, a moment before the JVM has reaped it and knows the code, when
	 * {@link Process#exitValue()} would still throw. Waits for that moment, within
	 * {@link #KILL_WAIT}.
	 * @param process the process, ended by {@link #terminate}
	 * @return the exit code, or -1 if the process has still not exited
	 */
	static int exitCode(Process process) {
		try {
			process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return process.isAlive() ? -1 : process.exitValue();
	}

	private static Set<ProcessHandle> snapshot(ProcessHandle root) {
		Set<ProcessHandle> tree = new LinkedHashSet<>();
		if (root.isAlive()) {
			tree.add(root);
		}
		root.descendants().forEach(tree::add);
		return tree;
	}

	private static boolean awaitExit(Set<ProcessHandle> processes, Duration timeout) {
		// saturated, and compared by difference: a timeout of centuries waits, not fails
		long deadline = System.nanoTime() + TimeUnit.NANOSECONDS.convert(timeout);
		for (ProcessHandle process : processes) {
			try {
				if (!ExitWatch.awaitExit(process, deadline)) {
					return false;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

}
