package io.pipeio.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The requests of one channel that wait for their answer, in the order their lines were
 * queued: the n-th line the plug-in writes answers the n-th request. A request that timed
 * out keeps its place, so its late answer is discarded instead of reaching the next
 * caller.
 *
 * @author pipe-io
 */
final class PendingRequests {

	/**
	 * Serialises "take a place" and "queue the line", so places follow the order in the
	 * pipe.
	 */
	private final Object sendLock = new Object();

	private final ConcurrentLinkedQueue<CompletableFuture<byte[]>> waiting = new ConcurrentLinkedQueue<>();

	/**
	 * Take a place and queue the request line. A line dropped once queued (by
	 * {@code drop-oldest}, a stop, a replaced pipe) gives up its place and fails its
	 * request: nothing answers it, and the next answer is the next request's.
	 * @param line the request line
	 * @param sender queues a line on the channel, returning a future completed once it is
	 * written (failed if it is dropped); may throw
	 * @param orphaned told of a line that took the place of a request whose line could
	 * then not be queued: it answers nobody
	 * @return completed with the answer
	 */
	CompletableFuture<byte[]> send(byte[] line, Function<byte[], CompletableFuture<Void>> sender,
			Consumer<byte[]> orphaned) {
		CompletableFuture<byte[]> answer = new CompletableFuture<>();
		synchronized (this.sendLock) {
			this.waiting.add(answer);
			CompletableFuture<Void> written;
			try {
				written = sender.apply(line);
				Throwable dropped = written.isCompletedExceptionally() ? written.handle((ok, ex) -> ex).join() : null;
				if (dropped != null) {
					// Not queued (drop-newest tells only through the future).
					throw (dropped instanceof RuntimeException runtime) ? runtime : new IllegalStateException(dropped);
				}
			}
			catch (RuntimeException ex) {
				if (!this.waiting.remove(answer)) {
					// A line came while the send waited for room, and took this place:
					// it cannot answer a request that was never sent, and must not be
					// lost unseen.
					answer.thenAccept(orphaned);
				}
				throw ex;
			}
			written.whenComplete((ok, dropped) -> {
				if (dropped != null && this.waiting.remove(answer)) {
					answer.completeExceptionally(dropped);
				}
			});
		}
		return answer;
	}

	/**
	 * Give a line to the oldest waiting request, if there is one.
	 * @return {@link Answer#NONE_WAITING} if no request waits, {@link Answer#LATE} if the
	 * oldest had timed out (the line then answers nobody), else {@link Answer#ANSWERED}
	 */
	Answer answer(byte[] buffer, int offset, int length) {
		CompletableFuture<byte[]> oldest = this.waiting.poll();
		if (oldest == null) {
			return Answer.NONE_WAITING;
		}
		byte[] line = new byte[length];
		System.arraycopy(buffer, offset, line, 0, length);
		return oldest.complete(line) ? Answer.ANSWERED : Answer.LATE;
	}

	/**
	 * Fail the oldest waiting request, if there is one: the line that answered it could
	 * not be delivered.
	 * @param failure the exception its caller gets (unless it timed out already)
	 */
	void failOldest(RuntimeException failure) {
		CompletableFuture<byte[]> oldest = this.waiting.poll();
		if (oldest != null) {
			oldest.completeExceptionally(failure);
		}
	}

	/**
	 * Fail every waiting request at once.
	 * @param failure the exception each caller gets
	 * @param whileNoneSent run while no request can be sent, after the requests were
	 * failed; and once before, so that a request waiting for room in the queue can go on
	 * and let go of the lock
	 * @return how many were failed (including timed-out ones that still held their place)
	 */
	int failAll(RuntimeException failure, Runnable whileNoneSent) {
		// A request waiting for room in a full queue holds the lock, and only the discard
		// makes room once the other end is gone: fail what waits and discard first, then
		// again under the lock for what was sent meanwhile.
		List<CompletableFuture<byte[]>> failed = new ArrayList<>();
		takeAll(failed);
		whileNoneSent.run();
		synchronized (this.sendLock) {
			takeAll(failed);
			whileNoneSent.run();
			failed.forEach((request) -> request.completeExceptionally(failure));
			return failed.size();
		}
	}

	private void takeAll(List<CompletableFuture<byte[]>> target) {
		CompletableFuture<byte[]> next;
		while ((next = this.waiting.poll()) != null) {
			target.add(next);
		}
	}

	/**
	 * @return how many requests wait for their answer, timed-out ones included
	 */
	int size() {
		return this.waiting.size();
	}

	/**
	 * What became of a line offered as an answer.
	 */
	enum Answer {

		/** No request waits: the line is not an answer. */
		NONE_WAITING,

		/** It completed the oldest request. */
		ANSWERED,

		/** The oldest request had timed out: the line answers nobody. */
		LATE

	}

}
