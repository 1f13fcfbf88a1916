package io.pipeio.plugin;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * One launched process of a plug-in, with the thread that hands its stderr on line by
 * line: how it is launched, watched and ended. What happens around it (the state, the
 * restarts, the wait between them) is the {@link PluginSupervisor}'s.
 *
 * @author pipe-io
 */
final class PluginInstance {

	/** How long an ended instance waits for its stderr: a descendant may hold it open. */
	private static final long STDERR_JOIN_MILLIS = TimeUnit.SECONDS.toMillis(2);

	private final String threadName;

	private final Process process;

	private final Thread stderrPump;

	private final Instant startedAt = Instant.now();

	private final long startedNanos = System.nanoTime();

	private PluginInstance(String threadName, Process process, Consumer<String> stderrLines) {
		this.threadName = threadName;
		this.process = process;
		this.stderrPump = StderrPump.start(process.getErrorStream(), threadName + "-stderr", stderrLines);
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
		Process process = PluginProcesses.start(channel, settings, inPipe, outPipe, fifoCheck);
		return new PluginInstance("pipe-io-plugin-" + channel, process, stderrLines);
	}

	/**
	 * Be told of the exit, with its code, on a thread that waits for it.
	 * @param exited told of the exit code
	 */
	void watchExit(IntConsumer exited) {
		ExitWatch.watch(this.process, this.threadName + "-exit", exited);
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
		ProcessTrees.terminate(this.process.toHandle(), grace);
		int code = ProcessTrees.exitCode(this.process);
		joinStderr();
		return code;
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
