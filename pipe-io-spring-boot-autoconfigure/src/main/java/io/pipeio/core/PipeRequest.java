package io.pipeio.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.pipeio.server.Durations;
import io.pipeio.server.PipeSendException;
import org.jspecify.annotations.Nullable;

/**
 * A request of a {@link PipeTemplate} on its way: its place in the channel, timed out
 * after its timeout, and its answer, converted for the caller. The observer is told how
 * it ended once the answer was converted, or could not be.
 *
 * @author pipe-io
 */
final class PipeRequest {

	private final String channel;

	private final Duration timeout;

	/** The timeout, saturated: a longer one than nanoseconds hold waits as long. */
	private final long timeoutNanos;

	private final @Nullable PipeRequestObserver observer;

	/** What the observer started for this request, or {@code null}. */
	private final PipeRequestObserver.@Nullable Handle handle;

	private final long started;

	/** Whether the observer was told of the end: once, whoever ends the request. */
	private final AtomicBoolean observed = new AtomicBoolean();

	/** The place in the channel's queue, completed with the answer line. */
	private final CompletableFuture<byte[]> placed;

	/** The answer line, or the failure the caller gets, already observed. */
	private final CompletableFuture<byte[]> line;

	/**
	 * Send a request line.
	 * @param target the channel
	 * @param line the request line
	 * @param timeout how long to wait for the answer, positive
	 * @param observer told how the request ended, if not {@code null}
	 * @throws IllegalArgumentException if the line is not one line; a line that could not
	 * be sent fails the request instead
	 */
	PipeRequest(PipeChannel target, byte[] line, Duration timeout, @Nullable PipeRequestObserver observer) {
		this.channel = target.getName();
		this.timeout = timeout;
		this.timeoutNanos = TimeUnit.NANOSECONDS.convert(timeout);
		this.observer = observer;
		this.handle = (observer != null) ? observer.onRequestStarted(this.channel) : null;
		this.started = System.nanoTime();
		CompletableFuture<byte[]> place;
		try {
			place = target.request(line);
		}
		catch (PipeSendException ex) {
			// Its caller learns of it as of any other failure: from the future.
			observe(PipeRequestOutcome.ERROR, ex);
			this.placed = CompletableFuture.failedFuture(ex);
			this.line = this.placed;
			return;
		}
		catch (RuntimeException ex) {
			observe(PipeRequestOutcome.ERROR, ex);
			throw ex;
		}
		this.placed = place;
		// The place stays in the channel's queue: a late answer is discarded there.
		// orTimeout drops its timer once the answer came, so a long timeout holds no
		// memory after the answer.
		this.placed.orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS);
		this.line = this.placed.handle((value, failure) -> {
			if (failure == null) {
				return value;
			}
			PipeRequestOutcome outcome = outcome(failure);
			Throwable cause = unwrap(failure);
			if (outcome == PipeRequestOutcome.TIMEOUT && !(cause instanceof PipeRequestException)) {
				PipeRequestException timedOut = new PipeRequestException(this.channel, PipeRequestOutcome.TIMEOUT,
						"No answer on channel '" + this.channel + "' within " + Durations.format(timeout));
				observe(outcome, timedOut);
				throw timedOut;
			}
			observe(outcome, cause);
			throw new CompletionException(cause);
		});
	}

	/**
	 * Return the answer to come.
	 * @param <T> the type of the answer
	 * @param convert converts the answer line, on the thread that completes the future
	 * @return the future of the converted answer
	 */
	<T> CompletableFuture<T> answer(Function<byte[], T> convert) {
		CompletableFuture<T> answer = this.line.thenApply((line) -> converted(line, convert));
		// A caller that cancels or completes the future itself (Mono.fromFuture's
		// cancel, orTimeout) skips the conversion: the request ends for it then.
		answer
			.whenComplete((value, failure) -> observe((failure != null) ? outcome(failure) : PipeRequestOutcome.SUCCESS,
					(failure != null) ? unwrap(failure) : null));
		return answer;
	}

	/**
	 * Wait for the answer, for the timeout at most.
	 * @param <T> the type of the answer
	 * @param convert converts the answer line, on the calling thread
	 * @return the converted answer
	 */
	<T> T await(Function<byte[], T> convert) {
		return converted(awaitLine(), convert);
	}

	private <T> T converted(byte[] answer, Function<byte[], T> convert) {
		T value;
		try {
			value = convert.apply(answer);
		}
		catch (Throwable ex) {
			// A checked one too, that a converter did not declare (a Kotlin one calling
			// Jackson 2): the request ends all the same, or its observation stays open.
			observe(PipeRequestOutcome.ERROR, ex);
			throw ex;
		}
		observe(PipeRequestOutcome.SUCCESS, null);
		return value;
	}

	private byte[] awaitLine() {
		try {
			try {
				return this.line.get(this.timeoutNanos, TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				// The timer behind orTimeout is the JVM's, shared with whatever else
				// times out, and held up by a callback that blocks on it: time out
				// here too.
				this.placed.completeExceptionally(ex);
				return this.line.get();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			// The caller gives up on the answer: the request ends for it here.
			IllegalStateException interrupted = new IllegalStateException("Interrupted while waiting for an answer",
					ex);
			observe(PipeRequestOutcome.ERROR, interrupted);
			throw interrupted;
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? unwrap(ex.getCause()) : ex;
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(cause);
		}
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException wrapped && wrapped.getCause() != null) ? wrapped.getCause()
				: failure;
	}

	private static PipeRequestOutcome outcome(Throwable failure) {
		Throwable cause = unwrap(failure);
		if (cause instanceof TimeoutException) {
			return PipeRequestOutcome.TIMEOUT;
		}
		return (cause instanceof PipeRequestException request) ? request.getOutcome() : PipeRequestOutcome.ERROR;
	}

	private void observe(PipeRequestOutcome outcome, @Nullable Throwable failure) {
		if (!this.observed.compareAndSet(false, true)) {
			return;
		}
		PipeRequestObserver requestObserver = this.observer;
		PipeRequestObserver.Handle started = this.handle;
		try {
			if (requestObserver != null) {
				requestObserver.onRequestCompleted(this.channel, outcome,
						Duration.ofNanos(System.nanoTime() - this.started));
			}
		}
		finally {
			// ended also when the observer threw, so an observation never stays open
			if (started != null) {
				started.end(outcome, failure);
			}
		}
	}

}
