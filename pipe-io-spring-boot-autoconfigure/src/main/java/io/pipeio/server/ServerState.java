package io.pipeio.server;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The lifecycle state of a {@link PipeServer} and why it last failed; every change is
 * told to the listener. While the server stays {@link PipeServerState#FAILED}, a failure
 * is counted and told only when its cause differs from the last one, so a pipe that stays
 * unusable (checked five times a second) is not reported over and over.
 * <p>
 * Changes are told in the order they were made, but under no lock: a listener that blocks
 * (an event listener making a slow call about a failure the watchdog saw) would otherwise
 * hold up every other change, and a stop with it, past the stop's timeout. A thread that
 * holds the server's lifecycle lock leaves its changes to be told once it has given the
 * lock back ({@link #tellPending(long)}). A change made while another thread is telling
 * is told by that thread, after what it tells now; a start waits for that, a stop up to
 * its deadline.
 *
 * @author pipe-io
 */
final class ServerState {

	private final PipeServer server;

	private final PipeServerListener listener;

	private final ChannelStatistics statistics;

	/** Whether the calling thread holds the server's lifecycle lock. */
	private final BooleanSupplier holdsLifecycleLock;

	private volatile PipeServerState state = PipeServerState.STOPPED;

	private volatile @Nullable Throwable lastFailure;

	/** Changes not told yet, oldest first; guarded by {@code this}. */
	private final Queue<Runnable> untold = new ArrayDeque<>();

	/** The thread telling the changes, if any; guarded by {@code this}. */
	private @Nullable Thread teller;

	/** How many changes were queued to be told; guarded by {@code this}. */
	private long changes;

	/** How many changes were told; guarded by {@code this}. */
	private long toldChanges;

	ServerState(PipeServer server, PipeServerListener listener, ChannelStatistics statistics,
			BooleanSupplier holdsLifecycleLock) {
		this.server = server;
		this.listener = listener;
		this.statistics = statistics;
		this.holdsLifecycleLock = holdsLifecycleLock;
	}

	PipeServerState get() {
		return this.state;
	}

	@Nullable Throwable lastFailure() {
		return this.lastFailure;
	}

	void clearFailure() {
		this.lastFailure = null;
	}

	/**
	 * Fail the server: for a pipe that cannot be used and for anything unexpected in an
	 * engine thread, so that no thread dies while the state says RUNNING. The watchdog's
	 * next check that finds everything working sets it running again.
	 * <p>
	 * A failure once a stop began (a writer the stop's deadline left behind, failing
	 * after {@code stop} returned) is remembered as the last failure but changes no
	 * state: the channel is stopping or stopped, and a stopped channel shown as failed
	 * would look broken to an operator who only stopped it.
	 * @param ex the cause
	 */
	void fail(Throwable ex) {
		synchronized (this) {
			Throwable last = this.lastFailure;
			boolean stopping = this.state == PipeServerState.STOPPING || this.state == PipeServerState.STOPPED;
			boolean again = (this.state == PipeServerState.FAILED || stopping) && last != null
					&& String.valueOf(last).equals(String.valueOf(ex));
			this.lastFailure = ex;
			if (again) {
				return;
			}
			this.statistics.recordError(ex);
			// Once a stop began nothing changes, and there is nothing for this thread to
			// tell: an engine thread must not tell the stop's changes while it runs.
			if (stopping || !change(PipeServerState.FAILED, ex)) {
				return;
			}
		}
		tellUnlessHeldBack();
	}

	/**
	 * Set a failed server running again, once a check found its pipes and threads
	 * working; not if it failed again since the check began, such as a writer that ended
	 * after the check had found it alive: that failure is not one the check saw mended.
	 * The next check looks again.
	 * @param failureBefore the last failure as the check began
	 */
	void recover(@Nullable Throwable failureBefore) {
		synchronized (this) {
			if (this.state != PipeServerState.FAILED || this.lastFailure != failureBefore
					|| !change(PipeServerState.RUNNING, null)) {
				return;
			}
		}
		tellUnlessHeldBack();
	}

	/**
	 * Change the state, telling the listener; a change to the same state is none, except
	 * to FAILED with a new cause.
	 * @param next the new state
	 * @param cause the failure behind a change to FAILED, otherwise {@code null}
	 */
	void set(PipeServerState next, @Nullable Throwable cause) {
		synchronized (this) {
			if (!change(next, cause)) {
				return;
			}
		}
		tellUnlessHeldBack();
	}

	/**
	 * Tell the listener that a pipe was made again, in order with the state changes: a
	 * channel's recovery is told after the pipe that mended it.
	 * @param path the pipe's path
	 * @param created whether this server created the FIFO
	 */
	void pipeRecreated(Path path, boolean created) {
		synchronized (this) {
			queue(() -> this.listener.onPipeRecreated(this.server, path, created));
		}
		tellUnlessHeldBack();
	}

	/**
	 * Tell the listener what changed and is not told yet, unless another thread is
	 * telling it: the lifecycle lock's holder calls this once it gave the lock back. A
	 * listener's exception reaches the caller once the rest is told.
	 */
	void tellPending() {
		tellPending(0);
	}

	/**
	 * Tell the listener what changed and is not told yet; if another thread is telling
	 * it, wait a while for that thread to have told what changed until now, so that a
	 * stop's caller sees its changes told when it returns unless a listener blocks.
	 * @param waitNanos how long to wait for another thread at most; zero waits not at
	 * all, {@link Long#MAX_VALUE} without limit
	 */
	void tellPending(long waitNanos) {
		long deadline = System.nanoTime() + ((waitNanos == Long.MAX_VALUE) ? 0 : waitNanos);
		synchronized (this) {
			long mine = this.changes;
			// A listener that stops the server from within is told next by this very
			// loop.
			while (this.teller != null && this.teller != Thread.currentThread() && this.toldChanges < mine) {
				long left = deadline - System.nanoTime();
				if (waitNanos != Long.MAX_VALUE && left <= 0) {
					return;
				}
				try {
					if (waitNanos == Long.MAX_VALUE) {
						wait();
					}
					else {
						TimeUnit.NANOSECONDS.timedWait(this, left);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
			if (this.teller != null || this.untold.isEmpty()) {
				return;
			}
			this.teller = Thread.currentThread();
		}
		tellAll();
	}

	private void tellAll() {
		@Nullable RuntimeException firstFailure = null;
		@Nullable Error firstError = null;
		// A checked exception a listener threw without declaring it (a sneaky throw, a
		// Kotlin listener): it too must not leave this thread the teller for good.
		@Nullable Throwable firstUndeclared = null;
		while (true) {
			Runnable next;
			synchronized (this) {
				next = this.untold.poll();
				if (next == null) {
					this.teller = null;
					notifyAll();
					break;
				}
			}
			try {
				next.run();
			}
			catch (RuntimeException ex) {
				firstFailure = keepFirst(firstFailure, ex);
			}
			catch (Error ex) {
				firstError = keepFirst(firstError, ex);
			}
			catch (Throwable ex) {
				firstUndeclared = keepFirst(firstUndeclared, ex);
			}
			finally {
				synchronized (this) {
					this.toldChanges++;
					notifyAll();
				}
			}
		}
		if (firstError != null) {
			addSuppressed(firstError, firstFailure);
			addSuppressed(firstError, firstUndeclared);
			throw firstError;
		}
		if (firstFailure != null) {
			addSuppressed(firstFailure, firstUndeclared);
			throw firstFailure;
		}
		if (firstUndeclared != null) {
			throwUndeclared(firstUndeclared);
		}
	}

	private static void addSuppressed(Throwable first, @Nullable Throwable other) {
		if (other != null) {
			first.addSuppressed(other);
		}
	}

	/** Rethrow what a listener threw as it was, as it reached the caller before. */
	@SuppressWarnings("unchecked")
	private static <T extends Throwable> void throwUndeclared(Throwable ex) throws T {
		throw (T) ex;
	}

	/**
	 * Change the state and queue the change to be told.
	 * @return whether it changed
	 */
	private boolean change(PipeServerState next, @Nullable Throwable cause) {
		PipeServerState previous = this.state;
		if (previous == next && next != PipeServerState.FAILED) {
			return false;
		}
		this.state = next;
		queue(() -> this.listener.onStateChanged(this.server, previous, next, cause));
		return true;
	}

	private void queue(Runnable telling) {
		this.untold.add(telling);
		this.changes++;
	}

	private void tellUnlessHeldBack() {
		if (!this.holdsLifecycleLock.getAsBoolean()) {
			tellPending();
		}
	}

	private static <T extends Throwable> T keepFirst(@Nullable T first, T next) {
		if (first == null) {
			return next;
		}
		if (first != next) {
			first.addSuppressed(next);
		}
		return first;
	}

}
