package io.pipeio.server;

import org.jspecify.annotations.Nullable;

/**
 * The lifecycle state of a {@link PipeServer} and why it last failed; every change is
 * told to the listener. While the server stays {@link PipeServerState#FAILED}, a failure
 * is counted and told only when its cause differs from the last one, so a pipe that stays
 * unusable (checked five times a second) is not reported over and over.
 *
 * @author pipe-io
 */
final class ServerState {

	private final PipeServer server;

	private final PipeServerListener listener;

	private final ChannelStatistics statistics;

	private volatile PipeServerState state = PipeServerState.STOPPED;

	private volatile @Nullable Throwable lastFailure;

	ServerState(PipeServer server, PipeServerListener listener, ChannelStatistics statistics) {
		this.server = server;
		this.listener = listener;
		this.statistics = statistics;
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
	synchronized void fail(Throwable ex) {
		Throwable last = this.lastFailure;
		boolean stopping = this.state == PipeServerState.STOPPING || this.state == PipeServerState.STOPPED;
		boolean again = (this.state == PipeServerState.FAILED || stopping) && last != null
				&& String.valueOf(last).equals(String.valueOf(ex));
		this.lastFailure = ex;
		if (again) {
			return;
		}
		this.statistics.recordError(ex);
		if (!stopping) {
			set(PipeServerState.FAILED, ex);
		}
	}

	/**
	 * Set a failed server running again, once a check found its pipes and threads
	 * working; not if it failed again since the check began, such as a writer that ended
	 * after the check had found it alive: that failure is not one the check saw mended.
	 * The next check looks again.
	 * @param failureBefore the last failure as the check began
	 */
	synchronized void recover(@Nullable Throwable failureBefore) {
		if (this.state == PipeServerState.FAILED && this.lastFailure == failureBefore) {
			set(PipeServerState.RUNNING, null);
		}
	}

	/**
	 * Change the state, telling the listener; a change to the same state is none, except
	 * to FAILED with a new cause.
	 * @param next the new state
	 * @param cause the failure behind a change to FAILED, otherwise {@code null}
	 */
	synchronized void set(PipeServerState next, @Nullable Throwable cause) {
		PipeServerState previous = this.state;
		if (previous == next && next != PipeServerState.FAILED) {
			return;
		}
		this.state = next;
		this.listener.onStateChanged(this.server, previous, next, cause);
	}

}
