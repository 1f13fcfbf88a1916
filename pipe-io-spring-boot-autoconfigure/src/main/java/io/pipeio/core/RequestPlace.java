package io.pipeio.core;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * A request's place in its channel's queue ({@link RequestPlaces}), with the time it was
 * sent: completed with the answer, or failed by its caller's timeout while it keeps its
 * place, so that its late answer reaches nobody else.
 *
 * @author pipe-io
 */
final class RequestPlace extends CompletableFuture<byte[]> {

	private final long sentAtMillis = System.currentTimeMillis();

	/**
	 * @return when the request was sent
	 */
	Instant sentAt() {
		return Instant.ofEpochMilli(this.sentAtMillis);
	}

	/**
	 * @return whether its caller timed it out, as {@code PipeTemplate} does with a
	 * {@link TimeoutException}
	 */
	boolean timedOut() {
		return isCompletedExceptionally() && handle((answer, failure) -> {
			Throwable cause = (failure instanceof CompletionException wrapped) ? wrapped.getCause() : failure;
			return cause instanceof TimeoutException;
		}).join();
	}

}
