package io.pipeio.server;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The lifecycle state of a {@link PipeServer} and why it last failed; every change is
 * told to the listener. While the server stays {@link PipeServerState#FAILED}, a failure
 * is counted and told only when its cause differs from the last one, so a pipe that stays
 * unusable (checked five times a second) is not reported over and over.
 * <p>
 * Changes are told in the order they were made, under no lock, as {@link ChangeTelling}
 * says: a thread that holds the server's lifecycle lock tells its changes once it has
 * given the lock back ({@link #tellPending(long)}).
 *
 * @author pipe-io
 */
final class ServerState {

	private final PipeServer server;

	private final PipeServerListener listener;

	private final ChannelStatistics statistics;

	private final ChangeTelling telling;

	private volatile PipeServerState state = PipeServerState.STOPPED;

	private volatile @Nullable Throwable lastFailure;

	ServerState(PipeServer server, PipeServerListener listener, ChannelStatistics statistics,
			BooleanSupplier holdsLifecycleLock) {
		this.server = server;
		this.listener = listener;
		this.statistics = statistics;
		this.telling = new ChangeTelling(holdsLifecycleLock);
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
	 * Tell the listener what this thread changed while it held the lifecycle lock, and
	 * what nobody else is to tell, after what other threads tell first.
	 * @param waitNanos how long to wait for other threads at most
	 * @see ChangeTelling#tellPending(long)
	 */
	void tellPending(long waitNanos) {
		this.telling.tellPending(waitNanos);
	}

	/**
	 * Tell what is queued after a start or stop whose work under the lock failed, keeping
	 * a listener's own failure with that one.
	 * @param failure why the start or stop failed
	 * @param waitNanos how long to wait for other threads at most
	 * @see ChangeTelling#tellPendingAfter(Throwable, long)
	 */
	void tellPendingAfter(Throwable failure, long waitNanos) {
		this.telling.tellPendingAfter(failure, waitNanos);
	}

	/** Tell what is queued, waiting for no other thread. */
	void tellPending() {
		this.telling.tellPending(0);
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

	private void queue(Runnable call) {
		this.telling.queue(call);
	}

	private void tellUnlessHeldBack() {
		this.telling.tellUnlessHeldBack();
	}

}
