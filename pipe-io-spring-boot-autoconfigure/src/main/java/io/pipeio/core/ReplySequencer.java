package io.pipeio.core;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;

import io.pipeio.server.ReplySink;
import org.jspecify.annotations.Nullable;

/**
 * Keeps replies in the order of the requests when some of them are asynchronous. While no
 * asynchronous reply is outstanding a reply is sent at once (the common case costs one
 * volatile read); otherwise it waits behind the earlier ones.
 *
 * @author pipe-io
 */
final class ReplySequencer {

	private final BiConsumer<Object, ReplySink> sender;

	private final FailedReplies onFailure;

	private final FailedReplies onSendFailure;

	private final FailedReplies onErrorReplyFailure;

	/**
	 * Room for one slot at first, not sixteen: most channels of an application with
	 * thousands have one line or none in progress, and the deque grows as replies wait.
	 */
	private final ArrayDeque<Slot> slots = new ArrayDeque<>(1);

	private volatile int outstanding;

	/**
	 * The failed reply being reported, under the lock: an error handler's reply to it,
	 * made meanwhile on the same thread, takes its place rather than the end of the line.
	 */
	private @Nullable Slot failing;

	/**
	 * Create a sequencer.
	 * @param sender sends one completed reply (never a {@link CompletionStage}) to a
	 * sink; called in order
	 * @param onFailure told when an asynchronous reply fails: the listener failed
	 * @param onSendFailure told when a completed reply that waited cannot be sent, as the
	 * listener is told of a reply it returned directly
	 * @param onErrorReplyFailure told when an error handler's reply fails or cannot be
	 * sent: only logged, as telling the error handler again could go on for ever
	 */
	ReplySequencer(BiConsumer<Object, ReplySink> sender, FailedReplies onFailure, FailedReplies onSendFailure,
			FailedReplies onErrorReplyFailure) {
		this.sender = sender;
		this.onFailure = onFailure;
		this.onSendFailure = onSendFailure;
		this.onErrorReplyFailure = onErrorReplyFailure;
	}

	/**
	 * Send a reply in request order.
	 * @param reply the reply, possibly a {@link CompletionStage}
	 * @param buffer holds the request line, kept for error reports of a failed
	 * asynchronous reply
	 * @param offset where the line starts
	 * @param length its length
	 * @param replies the sink the engine gave with the request line
	 * @param attempts how many times the listener was called with the line
	 */
	void submit(Object reply, byte[] buffer, int offset, int length, ReplySink replies, int attempts) {
		place(reply, buffer, offset, length, replies, attempts, false);
	}

	/**
	 * Send an error handler's reply to a line, in request order like the listener's.
	 * @param reply the reply, possibly a {@link CompletionStage}
	 * @param line the line it answers
	 * @param replies the sink of the chunk being handled
	 * @throws RuntimeException if it is sent at once and that fails
	 */
	void submitErrorReply(Object reply, byte[] line, ReplySink replies) {
		place(reply, line, 0, line.length, replies, 0, true);
	}

	private void place(Object reply, byte[] buffer, int offset, int length, ReplySink replies, int attempts,
			boolean errorReply) {
		// The failure callbacks are the sequencer's, not one per call: a synchronous
		// reply, the common case, allocates nothing here.
		boolean inPlaceOfFailed = errorReply && Thread.holdsLock(this) && this.failing != null;
		if (reply instanceof CompletionStage<?> stage) {
			Slot slot = new Slot(Arrays.copyOfRange(buffer, offset, offset + length), attempts, replies, errorReply);
			add(slot, inPlaceOfFailed);
			if (!(stage instanceof Future<?> future && future.isDone())) {
				// Completed on another thread, it would be sent at once: the replies the
				// chunk holds, all earlier, go first.
				replies.flush();
			}
			stage.whenComplete((value, error) -> {
				if (completed(slot, value, error)) {
					drain();
				}
			});
		}
		else if (this.outstanding == 0 || inPlaceOfFailed) {
			this.sender.accept(reply, replies);
		}
		else {
			Slot slot = new Slot(Arrays.copyOfRange(buffer, offset, offset + length), attempts, replies, errorReply);
			slot.complete(reply, null);
			add(slot, false);
			drain();
		}
	}

	/**
	 * The channel stopped: nothing waits any more. Replies that waited behind one not
	 * complete yet are delivered (the engine refuses them now, so they are counted)
	 * rather than held for a reply that may never come, which would hold up every reply
	 * after a restart too. One that completes later has lost its place, and is reported
	 * as failed.
	 */
	synchronized void release() {
		Slot slot;
		while ((slot = this.slots.pollFirst()) != null) {
			if (slot.done) {
				deliver(slot);
			}
			else {
				slot.abandoned = true;
			}
		}
		this.outstanding = 0;
	}

	/**
	 * @return whether the slot is still in line, else its outcome was reported
	 */
	private synchronized boolean completed(Slot slot, @Nullable Object value, @Nullable Throwable error) {
		slot.complete(value, error);
		if (!slot.abandoned) {
			return true;
		}
		Throwable failure = (slot.error != null) ? slot.error
				: new IllegalStateException("The asynchronous reply completed after its channel had stopped");
		(slot.errorReply ? this.onErrorReplyFailure : this.onFailure).failed(slot.line, failure, slot.attempts);
		return false;
	}

	private synchronized void add(Slot slot, boolean first) {
		if (first) {
			this.slots.addFirst(slot);
		}
		else {
			this.slots.addLast(slot);
		}
		this.outstanding = this.slots.size();
	}

	private void drain() {
		// Sending under the lock keeps completions racing on different threads in order.
		synchronized (this) {
			Slot head;
			while ((head = this.slots.peekFirst()) != null && head.done) {
				this.slots.removeFirst();
				deliver(head);
			}
			this.outstanding = this.slots.size();
		}
	}

	private void deliver(Slot slot) {
		if (slot.error != null) {
			this.failing = slot;
			try {
				(slot.errorReply ? this.onErrorReplyFailure : this.onFailure).failed(slot.line, slot.error,
						slot.attempts);
			}
			finally {
				this.failing = null;
			}
		}
		else if (slot.value != null) {
			try {
				this.sender.accept(slot.value, slot.replies);
			}
			catch (Exception ex) {
				// a checked one too, that a converter did not declare: counted, not lost
				// on the thread that completed the reply
				(slot.errorReply ? this.onErrorReplyFailure : this.onSendFailure).failed(slot.line, ex, slot.attempts);
			}
		}
	}

	/**
	 * Told of a reply that failed or could not be sent.
	 */
	@FunctionalInterface
	interface FailedReplies {

		/**
		 * @param line the request line
		 * @param failure why
		 * @param attempts how many times the listener was called with the line
		 */
		void failed(byte[] line, Throwable failure, int attempts);

	}

	private static final class Slot {

		private final byte[] line;

		private final int attempts;

		private final ReplySink replies;

		/** An error handler's reply, not a listener's. */
		private final boolean errorReply;

		private volatile boolean done;

		/** Taken out of line by {@link ReplySequencer#release()} before it completed. */
		private boolean abandoned;

		private @Nullable Object value;

		private @Nullable Throwable error;

		Slot(byte[] line, int attempts, ReplySink replies, boolean errorReply) {
			this.line = line;
			this.attempts = attempts;
			this.replies = replies;
			this.errorReply = errorReply;
		}

		void complete(@Nullable Object value, @Nullable Throwable error) {
			this.value = value;
			this.error = (error instanceof java.util.concurrent.CompletionException && error.getCause() != null)
					? error.getCause() : error;
			this.done = true;
		}

	}

}
