package io.pipeio.core;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import io.pipeio.plugin.PluginExit;
import io.pipeio.plugin.PluginHandover;
import io.pipeio.plugin.PluginObserver;
import io.pipeio.plugin.PluginSettings;
import io.pipeio.plugin.PluginState;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.plugin.RestartPolicy;
import io.pipeio.server.Durations;
import io.pipeio.server.InputFence;
import io.pipeio.server.PipeServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Ties a channel to its plug-in process: logs the plug-in's stderr to
 * {@code io.pipeio.plugin.<channel>}, and when the plug-in exits lets the answers it
 * wrote reach their requests, fails the requests it will never answer and throws away the
 * request lines it left unread in the out pipe, so the next instance starts with the next
 * request, at a line boundary.
 *
 * @author pipe-io
 */
final class ChannelPlugin implements PluginObserver, PluginHandover {

	/** What an out pipe not emptied after a plug-in's exit may do. */
	private static final String UNREAD_RISK = "requests the plug-in left unread may reach its next instance";

	private static final Log logger = LogFactory.getLog(ChannelPlugin.class);

	/**
	 * How long an exit waits for the channel to read what the plug-in wrote before it
	 * ended; it holds up the restart meanwhile.
	 */
	private static final long OUTPUT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

	private static final long OUTPUT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final PipeChannel channel;

	private final PipeServer server;

	private final Log stderr;

	private final List<PluginObserver> observers;

	private final PluginSupervisor supervisor;

	/** The in pipe's departures before the running instance was launched. */
	private volatile long departuresBefore;

	private final PluginOutPipe outPipe;

	ChannelPlugin(PipeChannel channel, PipeServer server, List<PluginObserver> observers) {
		this.channel = channel;
		this.server = server;
		this.observers = observers;
		this.stderr = LogFactory.getLog("io.pipeio.plugin." + channel.getName());
		this.supervisor = new PluginSupervisor(channel.getName(),
				Objects.requireNonNull(channel.getSettings().plugin(), "Only a channel with a plug-in has one"),
				server.getSettings().getInPath(), server.getSettings().getOutPath(), this, this, server::checkServes);
		this.outPipe = new PluginOutPipe(channel, server, this.supervisor);
	}

	PluginSupervisor supervisor() {
		return this.supervisor;
	}

	PluginOutPipe outPipe() {
		return this.outPipe;
	}

	@Override
	public void started(PluginSupervisor plugin, long pid) {
		// Its pipes are open, so the departure of an earlier instance is counted already,
		// or never: the next one counted is this instance's.
		this.departuresBefore = this.server.getClientDepartures();
		this.outPipe.launched();
		logger.info("Plug-in of channel '" + plugin.getChannel() + "' started, pid " + pid + ": "
				+ String.join(" ", plugin.getSettings().command()));
	}

	/**
	 * Told once the supervisor gave its lock back: an application's listener may stop the
	 * channel, whose stop waits for that lock.
	 */
	@Override
	public void onStarted(PluginSupervisor plugin, long pid) {
		tellEach("start", (observer) -> observer.onStarted(plugin, pid));
	}

	@Override
	public void exited(PluginSupervisor plugin, PluginExit exit) {
		PluginState state = plugin.getState();
		boolean willRestart = exit.willRestart();
		boolean requested = exit.reason() == PluginExit.Reason.RESTARTED;
		String ended = ended(exit);
		String reason = "the plug-in " + ended + (willRestart ? " and is restarted" : "");
		String next = willRestart ? "; restarting" : "; state " + state + gaveUp(plugin, state);
		String exited = "Plug-in of channel '" + plugin.getChannel() + "' " + ended + next
				+ (requested ? ", as asked" : "");
		if (requested || (!willRestart && state == PluginState.STOPPED)) {
			// asked to stop or restart (SIGTERM gives 143), or ended well, not to be
			// restarted
			logger.info(exited);
		}
		else {
			// restarted by its policy, or FAILED: also after an exit with code 0 that
			// "restart: always" wanted to restart but max-restarts did not allow
			logger.warn(exited);
		}
		// Stopped with its channel, the channel's stop drains what the plug-in wrote (an
		// answer it wrote as it was told to stop too), and then fails what still waits.
		if (!this.channel.failures.isStopping()) {
			PendingRequests.Exit mark = markExit();
			awaitOutputRead(plugin, mark);
			// Emptied twice, before the waiting requests are failed and after: a
			// pipe that cannot be emptied (out of descriptors, say) is told once.
			AtomicBoolean told = new AtomicBoolean();
			this.channel.requests.failAll(PipeRequestOutcome.RESTARTED, reason, () -> discardUnread(told), mark);
		}
		this.outPipe.exited(willRestart);
	}

	/**
	 * Told once the supervisor gave its lock back, as {@link #onStarted} is.
	 */
	@Override
	public void onExited(PluginSupervisor plugin, PluginExit exit) {
		tellEach("exit", (observer) -> observer.onExited(plugin, exit));
	}

	/**
	 * Say how an instance ended: its exit code alone would show one that pipe-io ended as
	 * failed, or one that could not be launched, as a crash.
	 */
	private static String ended(PluginExit exit) {
		return switch (exit.reason()) {
			case LAUNCH_FAILED -> "could not be launched (exit code " + exit.code() + ")";
			case ENDED_AS_FAILED -> "was ended as failed (exit code " + exit.code() + ")";
			case EXITED, STOPPED, RESTARTED -> "exited with code " + exit.code();
		};
	}

	/**
	 * Mark where what the plug-in wrote ends in the in pipe, before the next instance can
	 * write: lines read before the mark answer no request sent after its exit, and a
	 * partial line there is dropped rather than completed by the next instance.
	 * @return the exit, or {@code null} if the pipe could not be asked
	 */
	private PendingRequests.@Nullable Exit markExit() {
		PendingRequests.ExitMark mark = new PendingRequests.ExitMark();
		try {
			InputFence fence = this.server.fenceInput(() -> this.channel.requests.exitReached(mark));
			return new PendingRequests.Exit(fence, mark);
		}
		catch (IOException ex) {
			// the system's refusal (out of descriptors, say) says it all: no stack trace
			logger.warn("Could not mark the end of what the plug-in of channel '" + this.channel.getName()
					+ "' wrote: lines it left in the in pipe may answer the next instance's requests (" + ex + ")");
			return null;
		}
		catch (RuntimeException ex) {
			logger.warn("Could not mark the end of what the plug-in of channel '" + this.channel.getName()
					+ "' wrote: lines it left in the in pipe may answer the next instance's requests", ex);
			return null;
		}
	}

	/**
	 * Let the answers the plug-in wrote before it ended reach the requests waiting for
	 * them: wait until the channel has read the in pipe up to the exit's mark (or the
	 * plug-in's departure). What is not read by then is read later as the late answers of
	 * the failed requests. Not while the channel is paused or stopping, which read
	 * nothing more.
	 */
	private void awaitOutputRead(PluginSupervisor plugin, PendingRequests.@Nullable Exit exit) {
		if (this.channel.requests.size() == 0) {
			return;
		}
		if (this.server.isDispatchingThread()) {
			// a listener restarting its plug-in: nothing is read until it returns
			notRead(plugin, exit, " (restarted by the channel's listener)");
			return;
		}
		long deadline = System.nanoTime() + OUTPUT_WAIT_NANOS;
		while (this.server.getClientDepartures() == this.departuresBefore
				&& (exit == null || !exit.fence().isReached())) {
			if (this.channel.failures.isStopping() || Thread.currentThread().isInterrupted()) {
				return; // the stop fails what waits, and no instance comes next
			}
			if (this.server.isPaused() || deadline - System.nanoTime() <= 0) {
				notRead(plugin, exit, this.server.isPaused() ? " (the channel is paused)" : "");
				return;
			}
			// Rare (an exit with requests waiting) and short: polled rather than woken.
			LockSupport.parkNanos(OUTPUT_POLL_NANOS);
		}
	}

	private static void notRead(PluginSupervisor plugin, PendingRequests.@Nullable Exit exit, String why) {
		String ended = "The plug-in of channel '" + plugin.getChannel()
				+ "' ended before the channel read what it wrote" + why;
		if (exit != null) {
			logger.info(ended + ": its lines are read later, as late answers of the requests that failed with it");
		}
		else {
			logger.warn(ended + ": lines it left in the in pipe may answer the next instance's requests");
		}
	}

	/**
	 * Say why a plug-in that is not restarted is FAILED. Under {@code always} or
	 * {@code on-failure} only a restart the budget refused leaves it so (an exit with
	 * code 0 under {@code always} too, which nothing else would tell); under
	 * {@code never}, a failure.
	 */
	private static String gaveUp(PluginSupervisor plugin, PluginState state) {
		if (state != PluginState.FAILED) {
			return "";
		}
		PluginSettings settings = plugin.getSettings();
		if (settings.restart() == RestartPolicy.NEVER) {
			return " (plugin.restart is never)";
		}
		return " (gave up: its " + settings.maxRestarts() + " restart(s) within "
				+ Durations.format(settings.restartWindow())
				+ " are used up, see plugin.max-restarts and plugin.restart-window;"
				+ " the pipeio endpoint's restart starts it again)";
	}

	/**
	 * Throw away the request lines the plug-in left unread in the out pipe, whether it
	 * read them from its stdin or opened the pipe itself: the next instance must start
	 * with the next request, or every later answer would go to the request before its
	 * own.
	 * @param told whether a failure to empty it was logged already for this exit
	 */
	private void discardUnread(AtomicBoolean told) {
		try {
			long lines = this.server.discardUnread();
			if (lines > 0) {
				logger.info("Dropped " + lines + " line(s) the plug-in of channel '" + this.channel.getName()
						+ "' left unread");
			}
		}
		catch (IOException ex) {
			if (!told.getAndSet(true)) {
				logger.warn("Could not empty the out pipe of channel '" + this.channel.getName() + "': " + UNREAD_RISK
						+ " (" + ex + ")");
			}
		}
		catch (RuntimeException ex) {
			if (!told.getAndSet(true)) {
				logger.warn("Could not empty the out pipe of channel '" + this.channel.getName() + "': " + UNREAD_RISK,
						ex);
			}
		}
	}

	@Override
	public void onStderrLine(PluginSupervisor plugin, String line) {
		// escaped: a plug-in's escape sequences reach the log as text; observers get the
		// line as written
		this.stderr.info(LogText.escapeControls(line));
		tellEach("stderr line", (observer) -> observer.onStderrLine(plugin, line));
	}

	/**
	 * Tell every observer (metrics, and the events that application listeners receive):
	 * one that throws must not keep the others from hearing, nor the supervisor from
	 * watching the process it just started, or the stderr pump from reading on.
	 */
	private void tellEach(String what, Consumer<PluginObserver> call) {
		for (PluginObserver observer : this.observers) {
			try {
				call.accept(observer);
			}
			catch (Exception ex) {
				// a checked one too, that it did not declare (a Kotlin observer)
				logger.warn("An observer of the plug-in of channel '" + this.channel.getName() + "' failed on its "
						+ what + ": " + observer, ex);
			}
		}
	}

}
