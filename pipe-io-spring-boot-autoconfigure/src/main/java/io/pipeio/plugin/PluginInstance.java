package io.pipeio.plugin;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One launched process of a plug-in, with the thread that hands its stderr on line by
 * line: how it is launched, watched and ended. What happens around it (the state, the
 * restarts, the wait between them) is the {@link PluginSupervisor}'s.
 *
 * @author pipe-io
 */
final class PluginInstance {

	/** What happens to a plug-in is told in one category, its supervisor's. */
	private static final Log logger = LogFactory.getLog(PluginSupervisor.class);

	/** The most processes a warning names; a tree may have thousands. */
	private static final int MAX_NAMED = 10;

	/**
	 * The longest what an exited process left running gets to end after SIGTERM: it is
	 * ended under the supervisor's lock, which a stop waits for.
	 */
	private static final Duration MAX_LEFTOVER_GRACE = Duration.ofSeconds(1);

	/** How long an ended instance waits for its stderr: a descendant may hold it open. */
	private static final long STDERR_JOIN_MILLIS = TimeUnit.SECONDS.toMillis(2);

	private final String channel;

	private final Process process;

	/** Marks the environment of its processes: see {@link InstanceMarks}. */
	private final String mark;

	private final Thread stderrPump;

	private final Instant startedAt = Instant.now();

	private final long startedNanos = System.nanoTime();

	private PluginInstance(String channel, Process process, String mark, Consumer<String> stderrLines) {
		this.channel = channel;
		this.process = process;
		this.mark = mark;
		this.stderrPump = StderrPump.start(process.getErrorStream(), threadName() + "-stderr", stderrLines);
	}

	/**
	 * Launch a process of the plug-in.
	 * @param channel the channel name
	 * @param settings how to run it
	 * @param inPipe the pipe the channel reads (its stdout in stdio mode)
	 * @param outPipe the pipe the channel writes (its stdin in stdio mode)
	 * @param fifoCheck checks the FIFOs it is about to be given in stdio mode
	 * @param stderrLines told of each line it writes to stderr, on a thread of its own
	 * @return the running instance
	 * @throws io.pipeio.server.PipeFileException if a path is not the channel's FIFO
	 * @throws IOException if the process cannot be started
	 */
	static PluginInstance launch(String channel, PluginSettings settings, Path inPipe, Path outPipe,
			PluginSupervisor.FifoCheck fifoCheck, Consumer<String> stderrLines) throws IOException {
		String mark = InstanceMarks.newMark();
		Process process = PluginProcesses.start(channel, settings, inPipe, outPipe, fifoCheck, mark);
		return new PluginInstance(channel, process, mark, stderrLines);
	}

	/**
	 * Be told of the exit, with its code, on a thread that waits for it.
	 * @param exited told of the exit code
	 */
	void watchExit(IntConsumer exited) {
		ExitWatch.watch(this.process, threadName() + "-exit", exited);
	}

	/**
	 * @return whether it and everything it started are all stopped by a signal
	 */
	boolean isStoppedBySignal() {
		ProcessHandle root = this.process.toHandle();
		return ExitWatch.isStopped(root)
				&& root.descendants().filter(ProcessHandle::isAlive).allMatch(ExitWatch::isStopped);
	}

	/**
	 * End it and everything it started: SIGTERM (and SIGCONT to those a signal stopped),
	 * then SIGKILL after the grace period. Returns once they are gone and its stderr is
	 * read.
	 * @param grace how long to wait after SIGTERM
	 * @return its exit code
	 */
	int terminate(Duration grace) {
		List<String> killed = ProcessTrees.terminate(this.process.toHandle(), () -> InstanceMarks.find(this.mark),
				grace);
		if (!killed.isEmpty()) {
			warnKilled(grace, killed);
		}
		int code = ProcessTrees.exitCode(this.process);
		joinStderr();
		return code;
	}

	/**
	 * End what the process started and left running when it exited by itself (a worker
	 * started in the background of a script, say): it still holds the plug-in's stdout,
	 * and what it writes there would answer the next instance's requests. SIGTERM, then
	 * SIGKILL after the grace period, or a second if that is shorter.
	 * @param grace how long to wait after SIGTERM
	 */
	void endLeftovers(Duration grace) {
		endLeftovers(grace, InstanceMarks::find);
	}

	/**
	 * End what the process left running as {@link #endLeftovers(Duration)} does, finding
	 * the marked processes with the given scan of {@code /proc}: one for an exit that
	 * left none or whose leftovers end on SIGTERM, one more before a SIGKILL.
	 * @param grace how long to wait after SIGTERM
	 * @param marked finds the running processes that carry a mark, as
	 * {@link InstanceMarks#find} does
	 */
	void endLeftovers(Duration grace, Function<String, Set<ProcessHandle>> marked) {
		Set<ProcessHandle> left = marked.apply(this.mark);
		if (left.isEmpty()) {
			return;
		}
		List<String> described = left.stream().map(ExitWatch::describe).toList();
		// Ended as this scan found them, not scanned for again: each handle was checked
		// to carry the mark once taken, and a handle signals no process that got its id
		// since (the JDK compares their start times). Scanned again before the SIGKILL,
		// for what they started meanwhile.
		List<String> killed = ProcessTrees.terminateLeftovers(this.process.toHandle(), left,
				() -> marked.apply(this.mark), (grace.compareTo(MAX_LEFTOVER_GRACE) < 0) ? grace : MAX_LEFTOVER_GRACE);
		logger.warn("Plug-in of channel '" + this.channel + "' exited and left " + named(described)
				+ " running, which could write into its in pipe for the next instance: "
				+ (killed.isEmpty() ? "ended them (SIGTERM)" : "ended them, killing " + named(killed) + " (SIGKILL)")
				+ ". A plug-in should end what it starts before it exits.");
	}

	private static String named(List<String> processes) {
		String named = String.join(", ", processes.subList(0, Math.min(processes.size(), MAX_NAMED)));
		return named + ((processes.size() > MAX_NAMED) ? " and " + (processes.size() - MAX_NAMED) + " more" : "");
	}

	/**
	 * Its exit code alone (137, or 143 for one that took SIGTERM too late) does not
	 * always tell that it had to be killed, nor which process of the tree held out.
	 */
	private void warnKilled(Duration grace, List<String> killed) {
		logger.warn("Plug-in of channel '" + this.channel + "' did not end within " + grace.toMillis()
				+ " ms of SIGTERM and was killed (SIGKILL); still running were " + named(killed)
				+ ". A plug-in should exit on SIGTERM; its plugin.stop-timeout (and, as the application stops,"
				+ " the shutdown phase's timeout) sets how long it may take.");
	}

	/** The start of its threads' names. */
	private String threadName() {
		return "pipe-io-plugin-" + this.channel;
	}

	/**
	 * Wait a while for the last lines of stderr of an instance that ended.
	 */
	void joinStderr() {
		try {
			this.stderrPump.join(STDERR_JOIN_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * @return how long it has run
	 */
	Duration ran() {
		return Duration.ofNanos(System.nanoTime() - this.startedNanos);
	}

	/**
	 * @return when it started
	 */
	Instant startedAt() {
		return this.startedAt;
	}

	/**
	 * @return its process
	 */
	Process process() {
		return this.process;
	}

}
