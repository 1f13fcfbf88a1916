package io.pipeio.testsupport;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.pipeio.core.PipeChannelContext;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.core.PipeListenerFailedException;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PipeErrorHandler} that remembers every failure it is given and replies what a
 * function of the failure returns (nothing by default).
 */
public final class RecordingErrorHandler implements PipeErrorHandler {

	private final LinkedBlockingQueue<PipeListenerFailedException> failures = new LinkedBlockingQueue<>();

	private final Function<PipeListenerFailedException, @Nullable Object> reply;

	/** Create a handler that sends no reply. */
	public RecordingErrorHandler() {
		this((exception) -> null);
	}

	/**
	 * Create a handler that replies.
	 * @param reply computes the reply of a failure
	 */
	public RecordingErrorHandler(Function<PipeListenerFailedException, @Nullable Object> reply) {
		this.reply = reply;
	}

	@Override
	public @Nullable Object handleError(PipeListenerFailedException exception, PipeChannelContext context) {
		this.failures.add(exception);
		return this.reply.apply(exception);
	}

	/**
	 * Take the next failure, waiting up to ten seconds.
	 * @return the failure
	 * @throws AssertionError if none came
	 */
	public PipeListenerFailedException next() {
		try {
			PipeListenerFailedException failure = this.failures.poll(10, TimeUnit.SECONDS);
			if (failure == null) {
				throw new AssertionError("The error handler was not called within 10 s");
			}
			return failure;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/**
	 * @return how many failures were recorded and not taken
	 */
	public int size() {
		return this.failures.size();
	}

	/**
	 * Wait as long as a failure could still come.
	 * @param timeout how long
	 * @return the failure, or {@code null}
	 */
	public @Nullable PipeListenerFailedException poll(Duration timeout) {
		try {
			return this.failures.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

}
