package io.pipeio.core;

import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

import io.pipeio.server.ReplySink;
import org.jspecify.annotations.Nullable;

/**
 * Keeps replies in the order of the requests when some of them are asynchronous. While no
 * asynchronous reply is outstanding a reply is sent at once (the common case costs one
 * volatile read); otherwise it waits behind the earlier ones. Replies go to the
 * {@link ReplySink} given with the line, also those sent later, when an earlier
 * asynchronous reply completes: the sink sends as a plain send where it is not the
 * chunk's.
 *
 * @author pipe-io
 */
final class ReplySequencer {

	private final BiConsumer<Object, ReplySink> sender;

	private final ArrayDeque<Slot> slots = new ArrayDeque<>();

	private volatile int outstanding;

	/**
	 * Create a sequencer.
	 * @param sender sends one completed reply (never a {@link CompletionStage}) to a
	 * sink; called in order
	 */
	ReplySequencer(BiConsumer<Object, ReplySink> sender) {
		this.sender = sender;
	}

	/**
	 * Send a reply in request order.
	 * @param reply the reply, possibly a {@link CompletionStage}
	 * @param buffer the buffer holding the request line, kept for error reports of a
	 * failed asynchronous reply
	 * @param offset where the line starts
	 * @param length its length
	 * @param replies the sink the engine gave with the request line
	 * @param onFailure told when an asynchronous reply fails
	 */
	void submit(Object reply, byte[] buffer, int offset, int length, ReplySink replies,
			BiConsumer<byte[], Throwable> onFailure) {
		if (reply instanceof CompletionStage<?> stage) {
			Slot slot = new Slot(java.util.Arrays.copyOfRange(buffer, offset, offset + length));
			add(slot);
			stage.whenComplete((value, error) -> {
				slot.complete(value, error);
				drain(replies, onFailure);
			});
		}
		else if (this.outstanding == 0) {
			this.sender.accept(reply, replies);
		}
		else {
			Slot slot = new Slot(null);
			slot.complete(reply, null);
			add(slot);
			drain(replies, onFailure);
		}
	}

	private synchronized void add(Slot slot) {
		this.slots.addLast(slot);
		this.outstanding = this.slots.size();
	}

	private void drain(ReplySink replies, BiConsumer<byte[], Throwable> onFailure) {
		// Sending under the lock keeps completions racing on different threads in order.
		synchronized (this) {
			Slot head;
			while ((head = this.slots.peekFirst()) != null && head.done) {
				this.slots.removeFirst();
				if (head.error != null) {
					onFailure.accept((head.line != null) ? head.line : new byte[0], head.error);
				}
				else if (head.value != null) {
					try {
						this.sender.accept(head.value, replies);
					}
					catch (RuntimeException ex) {
						onFailure.accept((head.line != null) ? head.line : new byte[0], ex);
					}
				}
			}
			this.outstanding = this.slots.size();
		}
	}

	private static final class Slot {

		private final byte @Nullable [] line;

		private volatile boolean done;

		private @Nullable Object value;

		private @Nullable Throwable error;

		Slot(byte @Nullable [] line) {
			this.line = line;
		}

		void complete(@Nullable Object value, @Nullable Throwable error) {
			this.value = value;
			this.error = (error instanceof java.util.concurrent.CompletionException && error.getCause() != null)
					? error.getCause() : error;
			this.done = true;
		}

	}

}
