package io.pipeio.core;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The one listener of a channel: attached, detached, and the lines held in the pipe
 * between two listeners. The listener, its description and its error handler change
 * together, in one volatile write, so the reader thread never sees a listener with
 * another one's error handler.
 *
 * @author pipe-io
 */
final class ChannelListener {

	/** How long detaching waits for the chunk being delivered to this listener. */
	static final Duration DETACH_WAIT = Duration.ofSeconds(5);

	private final PipeChannel channel;

	private final PipeErrorHandler defaultErrorHandler;

	private volatile @Nullable Attached attached;

	/**
	 * Written under this: the channel was paused when its listener left, for the next
	 * one.
	 */
	private volatile boolean held;

	/**
	 * Guarded by {@link #pauses}: a channel holding its lines for the next listener reads
	 * again, because requests wait and what it reads then answers them.
	 */
	private volatile boolean answering;

	/**
	 * Guarded by {@link #pauses}: paused through the registry (an operator, the
	 * {@code pipeio} endpoint), which only a resume there ends: a listener attached
	 * meanwhile does not resume the channel.
	 */
	private boolean pausedByOperator;

	/**
	 * Orders pauses and resumes with the operator's. Not this object's monitor, which a
	 * detach holds while the leaving listener finishes its chunk: that listener may pause
	 * its channel.
	 */
	private final Object pauses = new Object();

	ChannelListener(PipeChannel channel, PipeErrorHandler defaultErrorHandler) {
		this.channel = channel;
		this.defaultErrorHandler = defaultErrorHandler;
	}

	/**
	 * Attach a listener, and resume the channel if it held its lines for one, unless the
	 * listener is to find the channel paused.
	 * @param pausedOnAttach whether the channel is paused before the listener is
	 * attached, so that it is given no line until the channel is resumed
	 * @throws IllegalStateException if the channel has a listener already
	 */
	synchronized void attach(PipeMessageListener listener, String description, @Nullable PipeErrorHandler errorHandler,
			List<PipeMessageListenerDecorator> decorators, boolean pausedOnAttach, @Nullable Object owner) {
		Attached current = this.attached;
		if (current != null) {
			throw new IllegalStateException(
					"Channel '" + this.channel.getName() + "' has two listeners: " + current.description() + " and "
							+ description + ". A channel has one listener; give one of them another channel.");
		}
		if (pausedOnAttach) {
			// Before the listener is visible to the reader: the lines held for it stay
			// in the pipe until its owner resumes the channel. Under the pauses' lock,
			// so that a request's resume cannot come in between.
			synchronized (this.pauses) {
				this.held = false;
				this.answering = false;
				if (!this.channel.isPaused()) {
					this.channel.server().pause();
				}
			}
		}
		this.attached = new Attached(ListenerChain.of(this.channel.getName(), listener, decorators), description,
				(errorHandler != null) ? errorHandler : this.defaultErrorHandler, owner);
		if (this.held) {
			// the lines held since the last listener left
			synchronized (this.pauses) {
				this.held = false;
				this.answering = false;
			}
			resume();
		}
	}

	/**
	 * Pause the channel until {@link #resumeByOperator()}, whatever listeners and their
	 * owners (an integration adapter that starts) do meanwhile.
	 */
	void pauseByOperator() {
		synchronized (this.pauses) {
			this.pausedByOperator = true;
			this.channel.server().pause();
		}
	}

	/**
	 * Resume the channel, also one paused by {@link #pauseByOperator()}, unless its
	 * listener's owner is stopped and resumes it when it starts.
	 */
	void resumeByOperator() {
		synchronized (this.pauses) {
			this.pausedByOperator = false;
			if (!isWaitingForItsOwner()) {
				this.channel.server().resume();
			}
		}
	}

	/**
	 * Tell whether the attached listener takes no line until its owner starts (a stopped
	 * integration adapter), which then resumes the channel.
	 * @return whether the listener waits for its owner
	 */
	boolean isWaitingForItsOwner() {
		Attached current = this.attached;
		return current != null && current.owner() instanceof PipeListenerEndpoint endpoint
				&& !endpoint.isAcceptingLines();
	}

	/**
	 * A request took its place. A channel holding its lines for the next listener reads
	 * again until no request waits: while one waits, every line read answers it, so
	 * nothing meant for a listener is taken (see {@link #answered()}), and the answer
	 * does not wait in the pipe for a listener that may never come.
	 */
	void requesting() {
		if (!this.held) {
			return;
		}
		synchronized (this.pauses) {
			if (this.held && this.attached == null && !this.pausedByOperator && this.channel.requests.size() > 0) {
				// also when answering already: a listener that came and went paused it
				this.answering = true;
				this.channel.server().resume();
			}
		}
	}

	/**
	 * A request was answered or failed, or a line came that answers none: once no request
	 * waits, a channel holding its lines for the next listener holds them again. Lines of
	 * the chunk being delivered still are (with no listener, they are dropped as
	 * {@code no-listener}).
	 */
	void answered() {
		if (!this.answering) {
			return;
		}
		synchronized (this.pauses) {
			// Checked again here: a request sent meanwhile keeps the channel reading.
			if (this.answering && this.channel.requests.size() == 0) {
				this.answering = false;
				if (this.held && this.attached == null && !this.pausedByOperator) {
					this.channel.server().pause();
				}
			}
		}
	}

	/** Resume the channel, unless it was paused by {@link #pauseByOperator()}. */
	void resume() {
		synchronized (this.pauses) {
			if (!this.pausedByOperator) {
				this.channel.server().resume();
			}
		}
	}

	/**
	 * Detach the listener. A running channel is paused first, so that its lines wait in
	 * the pipe for the next listener rather than being dropped with none, and the lines
	 * of the chunk being delivered then still go to this listener (for up to
	 * {@link #DETACH_WAIT}: a listener blocked for longer leaves the rest of its chunk to
	 * be dropped as {@code no-listener}).
	 * @return whether a listener was detached
	 */
	synchronized boolean detach() {
		if (this.attached == null) {
			return false;
		}
		detachAttached();
		return true;
	}

	/**
	 * Detach the listener, as {@link #detach()} does, if it is the one attached for this
	 * owner: an owner that left late must not detach the listener that came after it.
	 * @param owner what attached it (a {@link PipeListenerEndpoint})
	 * @return whether its listener was detached
	 */
	synchronized boolean detach(Object owner) {
		Attached current = this.attached;
		if (current == null || current.owner() != owner) {
			return false;
		}
		detachAttached();
		return true;
	}

	private void detachAttached() {
		if (this.channel.isRunning()) {
			if (!this.channel.isPaused()) {
				this.channel.server().pause();
			}
			this.held = true;
			try {
				this.channel.server().awaitDispatched(DETACH_WAIT);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.attached = null;
		// requests that wait are still answered
		requesting();
	}

	/**
	 * @return the listener as decorated, or {@code null} if none
	 */
	@Nullable ListenerChain chain() {
		Attached current = this.attached;
		return (current != null) ? current.chain() : null;
	}

	/**
	 * @return a description of the listener, or {@code null} if none
	 */
	@Nullable String description() {
		Attached current = this.attached;
		return (current != null) ? current.description() : null;
	}

	/**
	 * @return the error handler of the listener, or the default one
	 */
	PipeErrorHandler errorHandler() {
		Attached current = this.attached;
		return (current != null) ? current.errorHandler() : this.defaultErrorHandler;
	}

	private record Attached(ListenerChain chain, String description, PipeErrorHandler errorHandler,
			@Nullable Object owner) {
	}

}
