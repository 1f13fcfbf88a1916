package io.pipeio.plugin;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.pipeio.server.ChangeTelling;
import io.pipeio.server.OpenedFifo;
import io.pipeio.server.PipeFileException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs the plug-in process of one channel: launches it (its stdin reading the channel's
 * out pipe and its stdout writing the in pipe in stdio mode), restarts it per policy with
 * a growing wait, gives up (FAILED) after too many restarts in the window, and stops it
 * with SIGTERM to it and everything it started, SIGKILL after the stop timeout. One
 * daemon platform thread per running supervisor, plus the two of each
 * {@link PluginInstance} (its stderr, its exit).
 *
 * @author pipe-io
 */
public final class PluginSupervisor {

	private static final Log logger = LogFactory.getLog(PluginSupervisor.class);

	/**
	 * How long a start or restart waits for another thread to tell the observer what came
	 * before: bounded, since an observer there may wait for a lock its caller holds.
	 */
	private static final long CALLER_TELLING_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final String channel;

	private final PluginSettings settings;

	private final Path inPipe;

	private final Path outPipe;

	private final PluginObserver observer;

	private final PluginHandover handover;

	private final FifoCheck fifoCheck;

	/**
	 * The observer's calls, made once this supervisor's lock is given back: an observer
	 * that waits for the plug-in's channel (an application's listener that stops it, say)
	 * must not hold this lock while a stop of that channel, holding the channel's lock,
	 * waits for this one.
	 */
	private final ChangeTelling calls = new ChangeTelling(() -> Thread.holdsLock(this));

	/** The executor's thread, which must not wait for its own end. */
	private volatile @Nullable Thread executorThread;

	private final RestartBudget budget;

	private volatile PluginState state = PluginState.STOPPED;

	/**
	 * Whether it exited and nothing launches it again until someone starts or restarts
	 * it; not before its first launch, which comes a moment after its channel runs.
	 */
	private volatile boolean endedUntilRestarted;

	private @Nullable ScheduledExecutorService executor;

	/** The running process, or {@code null}. */
	private volatile @Nullable PluginInstance instance;

	/**
	 * The instance a restart is ending, outside the lock, or {@code null}; its exit is
	 * told by whichever of that restart and a stop meanwhile takes it from here first.
	 */
	private @Nullable PluginInstance ending;

	private int generation;

	private volatile int restarts;

	private volatile @Nullable PluginExit lastExit;

	private volatile @Nullable Instant startedAt;

	/**
	 * Create a supervisor; nothing runs before {@link #start()}.
	 * @param channel the channel name
	 * @param settings how to run the plug-in
	 * @param inPipe the pipe the channel reads (the plug-in's stdout in stdio mode)
	 * @param outPipe the pipe the channel writes (the plug-in's stdin in stdio mode)
	 * @param observer told of starts, exits and stderr lines
	 */
	public PluginSupervisor(String channel, PluginSettings settings, Path inPipe, Path outPipe,
			PluginObserver observer) {
		this(channel, settings, inPipe, outPipe, observer, (in, out) -> {
		});
	}

	/**
	 * Create a supervisor whose stdio FIFOs are checked before each launch.
	 * @param channel the channel name
	 * @param settings how to run the plug-in
	 * @param inPipe the pipe the channel reads (the plug-in's stdout in stdio mode)
	 * @param outPipe the pipe the channel writes (the plug-in's stdin in stdio mode)
	 * @param observer told of starts, exits and stderr lines
	 * @param fifoCheck told of the FIFOs opened at the paths in stdio mode, before they
	 * are handed to the process; throws to refuse them (the launch then fails)
	 */
	public PluginSupervisor(String channel, PluginSettings settings, Path inPipe, Path outPipe, PluginObserver observer,
			FifoCheck fifoCheck) {
		this(channel, settings, inPipe, outPipe, observer, new PluginHandover() {
		}, fifoCheck);
	}

	/**
	 * Create a supervisor whose stdio FIFOs are checked before each launch, with work to
	 * do between one instance and the next.
	 * @param channel the channel name
	 * @param settings how to run the plug-in
	 * @param inPipe the pipe the channel reads (the plug-in's stdout in stdio mode)
	 * @param outPipe the pipe the channel writes (the plug-in's stdin in stdio mode)
	 * @param observer told of starts, exits and stderr lines
	 * @param handover called as an instance starts and ends, before anything else happens
	 * to the plug-in
	 * @param fifoCheck told of the FIFOs opened at the paths in stdio mode, before they
	 * are handed to the process; throws to refuse them (the launch then fails)
	 */
	public PluginSupervisor(String channel, PluginSettings settings, Path inPipe, Path outPipe, PluginObserver observer,
			PluginHandover handover, FifoCheck fifoCheck) {
		this.channel = channel;
		this.settings = settings;
		this.inPipe = inPipe;
		this.outPipe = outPipe;
		// What they throw, checked or not, is their failure to the supervisor and to the
		// caller of a start, stop or restart.
		this.observer = ObserverGuard.guard(observer);
		this.handover = HandoverGuard.guard(handover);
		this.fifoCheck = fifoCheck;
		this.budget = new RestartBudget(settings);
	}

	/**
	 * Launch the plug-in (call once its channel runs). Does nothing if it runs already.
	 */
	public void start() {
		underLockThenTell(() -> {
			if (this.executor == null) {
				this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
					Thread thread = new Thread(task, "pipe-io-plugin-" + this.channel);
					thread.setDaemon(true);
					this.executorThread = thread;
					return thread;
				});
				this.budget.reset();
				launch(++this.generation);
			}
			return null;
		}, CALLER_TELLING_WAIT_NANOS);
	}

	/**
	 * Stop the plug-in and everything it started: SIGTERM, then SIGKILL after the stop
	 * timeout. Returns once they are gone.
	 */
	public void stop() {
		stop(this.settings.stopTimeout());
	}

	/**
	 * Stop the plug-in and everything it started: SIGTERM, then SIGKILL after the stop
	 * timeout or the given limit, whichever comes first (a stop of the application must
	 * not leave it behind). Returns once they are gone.
	 * @param limit the longest to wait for the plug-in to exit before SIGKILL
	 */
	public void stop(Duration limit) {
		Duration grace = (limit.compareTo(this.settings.stopTimeout()) < 0) ? limit : this.settings.stopTimeout();
		ScheduledExecutorService stopped = underLockThenTell(() -> {
			ScheduledExecutorService running = this.executor;
			this.executor = null;
			this.generation++; // the exit about to come is this stop's, not a crash
			// before the exit is reported: it was asked for
			this.state = PluginState.STOPPED;
			this.endedUntilRestarted = false;
			terminateAll(grace);
			return running;
		}, TimeUnit.NANOSECONDS.convert(grace));
		if (stopped != null) {
			stopped.shutdownNow();
			// Not for an observer told on the executor's thread: it may be this very
			// call, or wait for the caller (an application's listener stopping the
			// channel while the channel's stop, holding the channel's lock, stops the
			// plug-in). That thread ends once the observer returns, and launches nothing.
			if (!isTellingOnTheExecutor()) {
				awaitQuietly(stopped);
			}
		}
	}

	/**
	 * Stop the running plug-in (SIGTERM, then SIGKILL) and start it again at once, also
	 * after FAILED.
	 */
	public void restart() {
		if (!restart(false)) {
			throw new IllegalStateException("The plug-in of channel '" + this.channel + "' is not started");
		}
	}

	/**
	 * Restart the plug-in as {@link #restart()} does (also after it ended), unless its
	 * supervision was stopped or the JVM shuts down: for a plug-in that holds a pipe its
	 * channel no longer serves.
	 * @return whether it was restarted
	 */
	public boolean restartUnlessStopped() {
		return restart(true);
	}

	/**
	 * End the running instance as if it had failed, for what its channel saw of it (a
	 * request it left unanswered): SIGTERM to it and all it started, SIGKILL after the
	 * stop timeout. What follows is what follows a crash, whatever its exit code: a
	 * restart as the restart policy says, after the backoff, counted against
	 * {@code max-restarts}; or {@code FAILED}.
	 * @param pid the process of the instance to end: a later instance is left alone
	 * @param reason why, for the log
	 * @return whether that instance was running, and is ended
	 */
	public boolean endAsFailed(long pid, String reason) {
		PluginInstance ending;
		int next;
		synchronized (this) {
			PluginInstance running = this.instance;
			if (this.executor == null || running == null || running.process().pid() != pid) {
				return false;
			}
			// Its exit is handled here, not by its exit watch: what the stop of the tree
			// leaves for a moment is no leftover of a plug-in that exited by itself.
			next = ++this.generation;
			this.instance = null;
			this.ending = running;
			ending = running;
		}
		logger.warn("Plug-in of channel '" + this.channel + "' (pid " + pid + "): " + reason
				+ "; ending it as failed (SIGTERM)");
		int code = ending.terminate(this.settings.stopTimeout());
		underLockThenTell(() -> {
			if (this.ending != ending) {
				return null; // a stop or a restart ended it, and told it
			}
			this.ending = null;
			if (next != this.generation || this.executor == null) {
				// a restart came meanwhile, and launches the next one
				ended(new PluginExit(code, PluginExit.Reason.ENDED_AS_FAILED, true));
				return null;
			}
			afterExit(code, PluginExit.Reason.ENDED_AS_FAILED, ending.ran());
			return null;
		}, CALLER_TELLING_WAIT_NANOS);
		return true;
	}

	/**
	 * Restart, waiting for the instance to end outside this supervisor's lock: a stop
	 * meanwhile (a shutdown's, whose timeout may be shorter than the plug-in's stop
	 * timeout) must not wait for the whole grace of a plug-in that ignores SIGTERM. That
	 * stop ends the instance within its own grace, and nothing is launched after it.
	 * @return whether it was restarted; {@code false} if not started (or, unless stopped,
	 * if the JVM shuts down)
	 */
	private boolean restart(boolean unlessStopped) {
		PluginInstance ending;
		int next;
		synchronized (this) {
			if (this.executor == null || (unlessStopped && JvmShutdown.inProgress())) {
				return false;
			}
			next = ++this.generation;
			// one a restart before this one is still ending: waited for as well
			ending = (this.instance != null) ? this.instance : this.ending;
			this.instance = null;
			this.ending = ending;
		}
		int code = (ending != null) ? ending.terminate(this.settings.stopTimeout()) : 0;
		underLockThenTell(() -> {
			if (ending != null && this.ending == ending) {
				// not told yet, by another restart, nor ended by a stop (which tells it):
				// a restart follows, this one's or another's
				this.ending = null;
				ended(new PluginExit(code, PluginExit.Reason.RESTARTED, true));
			}
			if (next == this.generation && this.executor != null) {
				this.budget.reset();
				this.restarts++;
				launch(next);
			}
			return null;
		}, CALLER_TELLING_WAIT_NANOS);
		return true;
	}

	/**
	 * End the running instance, and one a restart is ending, within the grace: under this
	 * supervisor's lock, for a stop.
	 */
	private void terminateAll(Duration grace) {
		PluginInstance running = this.instance;
		PluginInstance restarting = this.ending;
		this.instance = null;
		this.ending = null;
		terminate(running, grace);
		terminate(restarting, grace);
	}

	private void terminate(@Nullable PluginInstance running, Duration grace) {
		if (running != null) {
			ended(new PluginExit(running.terminate(grace), PluginExit.Reason.STOPPED, false));
		}
	}

	/**
	 * Launch again after the wait, unless a stop or a restart came first, or the JVM
	 * began to shut down: only a restart that happens is counted.
	 */
	private void relaunch(int launchGeneration) {
		try {
			relaunchNow(launchGeneration);
		}
		catch (Throwable ex) {
			// An observer or the handover that failed on the start (the instance runs on,
			// and its exit is watched), or an error: the executor would keep it to
			// itself.
			logger.error("Plug-in of channel '" + this.channel + "': its restart after the backoff failed; state "
					+ getState(), ex);
		}
	}

	private void relaunchNow(int launchGeneration) {
		underLockThenTell(() -> {
			if (launchGeneration != this.generation || this.executor == null) {
				return null;
			}
			if (JvmShutdown.inProgress()) {
				// the exit came a moment before the shutdown began: not started again
				this.state = PluginState.STOPPED;
				return null;
			}
			this.restarts++;
			launch(launchGeneration);
			return null;
		}, 0);
	}

	/**
	 * Do some work under this supervisor's lock, then tell the observer what it queued,
	 * also if it threw (the exit of an instance a restart stopped, when the next one's
	 * handover failed, say), keeping an observer's own failure with the one the caller is
	 * to see.
	 * @param work the work
	 * @param waitNanos how long to wait for another thread telling what came before
	 * @return what the work returned
	 */
	private <T extends @Nullable Object> T underLockThenTell(Supplier<T> work, long waitNanos) {
		T result;
		try {
			synchronized (this) {
				result = work.get();
			}
		}
		catch (Throwable ex) {
			this.calls.tellPendingAfter(ex, waitNanos);
			throw ex;
		}
		this.calls.tellPending(waitNanos);
		return result;
	}

	private synchronized void launch(int launchGeneration) {
		if (launchGeneration != this.generation || this.executor == null) {
			return;
		}
		this.state = PluginState.STARTING;
		this.endedUntilRestarted = false;
		PluginInstance started;
		try {
			started = PluginInstance.launch(this.channel, this.settings, this.inPipe, this.outPipe, this.fifoCheck,
					(line) -> this.observer.onStderrLine(this, line));
		}
		catch (PipeFileException ex) {
			// The JVM would create or truncate a file, or write through a link, at the
			// path: do not launch.
			launchFailed("pipe-io cannot start the plug-in: " + ex.getMessage());
			exited(launchGeneration, -1, PluginExit.Reason.LAUNCH_FAILED, Duration.ZERO);
			return;
		}
		catch (IOException ex) {
			launchFailed("cannot start " + this.settings.command() + ": " + ex.getMessage());
			exited(launchGeneration, -1, PluginExit.Reason.LAUNCH_FAILED, Duration.ZERO);
			return;
		}
		this.instance = started;
		this.startedAt = started.startedAt();
		this.state = PluginState.RUNNING;
		ScheduledExecutorService current = this.executor;
		started.watchExit((code) -> {
			try {
				current.execute(() -> exitedOrSay(launchGeneration, code, started.ran()));
			}
			catch (RuntimeException ex) {
				// stopped meanwhile
			}
		});
		// Once the exit is watched: a handover that throws must not leave a process
		// nobody restarts or stops. (The exit waits for this lock, so it comes after.)
		long pid = started.process().pid();
		this.handover.started(this, pid);
		this.calls.queue(() -> this.observer.onStarted(this, pid));
	}

	/**
	 * A launch that failed is pipe-io's news, not the plug-in's: a warning of this class,
	 * and the line for the observers as if the plug-in had written it (its exit code is
	 * -1).
	 */
	private void launchFailed(String message) {
		logger.warn("Plug-in of channel '" + this.channel + "': " + message + " (counted as an exit with code -1)");
		this.calls.queue(() -> this.observer.onStderrLine(this, message));
	}

	/**
	 * Handle an exit on the supervisor's executor, which would keep a failure to itself:
	 * one is logged, and a plug-in it left shown {@code RUNNING} with no process is
	 * {@code FAILED}, so that health and the endpoint tell it.
	 */
	private void exitedOrSay(int exitGeneration, int code, Duration ran) {
		try {
			exited(exitGeneration, code, PluginExit.Reason.EXITED, ran);
			this.calls.tellPending(0);
		}
		catch (Throwable ex) {
			// An error too (a class that cannot be loaded while the process is out of
			// descriptors, say): the executor would keep it to itself.
			PluginState now;
			synchronized (this) {
				if (this.state == PluginState.RUNNING && this.instance == null) {
					this.state = PluginState.FAILED;
					this.endedUntilRestarted = true;
				}
				now = this.state;
			}
			logger.error(
					"Plug-in of channel '" + this.channel + "': handling its exit with code " + code + " failed; state "
							+ now
							+ ((now == PluginState.FAILED) ? " (the pipeio endpoint's restart starts it again)" : ""),
					ex);
		}
	}

	private synchronized void exited(int exitGeneration, int code, PluginExit.Reason reason, Duration ran) {
		if (exitGeneration != this.generation || this.executor == null) {
			return;
		}
		PluginInstance ended = this.instance;
		this.instance = null;
		if (ended != null) {
			// Before the handover marks the exit in the in pipe: what they wrote comes
			// before the mark, and none writes after it.
			ended.endLeftovers(this.settings.stopTimeout());
			ended.joinStderr();
		}
		if (JvmShutdown.endedWithTheApplication(code)) {
			this.state = PluginState.STOPPED;
			ended(new PluginExit(code, reason, false));
			return;
		}
		afterExit(code, reason, ran);
	}

	/**
	 * An instance ended, and it was not asked to: restart it after the backoff if the
	 * policy wants it and the budget allows it, else it is {@code FAILED} (or
	 * {@code STOPPED}, if it did not fail).
	 */
	private void afterExit(int code, PluginExit.Reason reason, Duration ran) {
		// both callers saw it, under this lock
		ScheduledExecutorService current = Objects.requireNonNull(this.executor, "not started");
		boolean failed = PluginExit.failed(code, reason);
		boolean wanted = this.budget.wanted(failed);
		@Nullable Duration wait = wanted ? this.budget.take(ran, System.nanoTime()) : null;
		boolean restart = wait != null;
		if (wait != null) {
			this.state = PluginState.BACKOFF;
			int next = ++this.generation;
			current.schedule(() -> relaunch(next), TimeUnit.NANOSECONDS.convert(wait), TimeUnit.NANOSECONDS);
		}
		else {
			this.state = (wanted || failed) ? PluginState.FAILED : PluginState.STOPPED;
			this.endedUntilRestarted = true;
		}
		ended(new PluginExit(code, reason, restart));
	}

	/**
	 * An instance ended, under this supervisor's lock: the handover runs now, before the
	 * next launch can; the observer is told once the lock is given back.
	 */
	private void ended(PluginExit exit) {
		this.lastExit = exit;
		this.handover.exited(this, exit);
		this.calls.queue(() -> this.observer.onExited(this, exit));
	}

	private boolean isTellingOnTheExecutor() {
		Thread thread = this.executorThread;
		return thread != null && (thread == Thread.currentThread() || this.calls.isTelling(thread));
	}

	private static void awaitQuietly(ScheduledExecutorService executor) {
		try {
			executor.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * @return the channel name
	 */
	public String getChannel() {
		return this.channel;
	}

	/**
	 * @return the settings
	 */
	public PluginSettings getSettings() {
		return this.settings;
	}

	/**
	 * @return where the plug-in is in its life
	 */
	public PluginState getState() {
		return this.state;
	}

	/**
	 * Tell whether the plug-in exited and is not launched again until its channel is
	 * started or the plug-in restarted: {@link PluginState#FAILED}, or
	 * {@link PluginState#STOPPED} after an exit its restart policy lets be. Nothing reads
	 * its channel's requests meanwhile.
	 * @return whether it ended until someone restarts it
	 */
	public boolean isEndedUntilRestarted() {
		return this.endedUntilRestarted;
	}

	/**
	 * @return the process id of the running plug-in, or {@code null}
	 */
	public @Nullable Long getPid() {
		PluginInstance running = this.instance;
		return (running != null) ? running.process().pid() : null;
	}

	/**
	 * Tell whether the running plug-in's processes, the one pipe-io launched and every
	 * descendant of it, are all stopped by a signal ({@code SIGSTOP}, {@code SIGTSTP}, a
	 * debugger) rather than by pipe-io: then none of them can serve the channel until
	 * they get {@code SIGCONT}, while the state stays {@link PluginState#RUNNING}. A
	 * wrapper stopped while its child works on (or the reverse) is not suspended. Read
	 * from {@code /proc} on Linux; false where that cannot tell.
	 * @return whether the running plug-in is stopped
	 */
	public boolean isSuspended() {
		PluginInstance running = this.instance;
		return running != null && this.state == PluginState.RUNNING && running.isStoppedBySignal();
	}

	/**
	 * @return the running process, or {@code null}
	 */
	@Nullable ProcessHandle getProcess() {
		PluginInstance running = this.instance;
		return (running != null) ? running.process().toHandle() : null;
	}

	/**
	 * @return how many times the plug-in was restarted
	 */
	public int getRestarts() {
		return this.restarts;
	}

	/**
	 * @return the last exit code (128 + n for signal n), or {@code null} if it never
	 * exited
	 */
	public @Nullable Integer getLastExitCode() {
		PluginExit exit = this.lastExit;
		return (exit != null) ? exit.code() : null;
	}

	/**
	 * @return how the last process ended (its exit code, why, and whether it was started
	 * again), or {@code null} if none ended yet
	 */
	public @Nullable PluginExit getLastExit() {
		return this.lastExit;
	}

	/**
	 * @return when the current or last process started, or {@code null}
	 */
	public @Nullable Instant getStartedAt() {
		return this.startedAt;
	}

	@Override
	public String toString() {
		return "PluginSupervisor[" + this.channel + ", " + this.state + ", " + String.join(" ", this.settings.command())
				+ "]";
	}

	/**
	 * Checks the FIFOs a plug-in in stdio mode is about to be given.
	 */
	@FunctionalInterface
	public interface FifoCheck {

		/**
		 * Check the FIFOs opened at the channel's paths.
		 * @param in the FIFO for the plug-in's stdout
		 * @param out the FIFO for the plug-in's stdin
		 * @throws IOException to refuse them
		 */
		void check(OpenedFifo in, OpenedFifo out) throws IOException;

	}

}
