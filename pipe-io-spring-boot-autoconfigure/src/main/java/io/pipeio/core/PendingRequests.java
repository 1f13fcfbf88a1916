package io.pipeio.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

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

	private final AtomicLong lateAnswers = new AtomicLong();

	/**
	 * Take a place and queue the request line.
	 * @param line the request line
	 * @param sender queues a line on the channel; may throw
	 * @return completed with the answer
	 */
	CompletableFuture<byte[]> send(byte[] line, Consumer<byte[]> sender) {
		CompletableFuture<byte[]> answer = new CompletableFuture<>();
		synchronized (this.sendLock) {
			this.waiting.add(answer);
			try {
				sender.accept(line);
			}
			catch (RuntimeException ex) {
				this.waiting.remove(answer);
				throw ex;
			}
		}
		return answer;
	}

	/**
	 * Give a line to the oldest waiting request, if there is one.
	 * @return whether the line answered a request (or was the late answer of a timed-out
	 * one)
	 */
	boolean answer(byte[] buffer, int offset, int length) {
		CompletableFuture<byte[]> oldest = this.waiting.poll();
		if (oldest == null) {
			return false;
		}
		byte[] line = new byte[length];
		System.arraycopy(buffer, offset, line, 0, length);
		if (!oldest.complete(line)) {
			this.lateAnswers.incrementAndGet();
		}
		return true;
	}

	/**
	 * Fail every waiting request at once.
	 * @param failure the exception each caller gets
	 * @param whileNoneSent run while no request can be sent, after the requests were
	 * failed
	 * @return how many were failed (including timed-out ones that still held their place)
	 */
	int failAll(RuntimeException failure, Runnable whileNoneSent) {
		synchronized (this.sendLock) {
			List<CompletableFuture<byte[]>> failed = new ArrayList<>();
			CompletableFuture<byte[]> next;
			while ((next = this.waiting.poll()) != null) {
				failed.add(next);
			}
			whileNoneSent.run();
			failed.forEach((request) -> request.completeExceptionally(failure));
			return failed.size();
		}
	}

	/**
	 * @return how many requests wait for their answer, timed-out ones included
	 */
	int size() {
		return this.waiting.size();
	}

	/**
	 * @return how many answers came after their request had timed out
	 */
	long getLateAnswers() {
		return this.lateAnswers.get();
	}

}
