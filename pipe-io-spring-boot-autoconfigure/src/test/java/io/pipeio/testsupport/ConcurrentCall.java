package io.pipeio.testsupport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A call made from another thread while the caller is in the middle of something (a
 * listener told of a start, a pause), to show whether it waits for the caller or
 * overtakes it.
 */
public final class ConcurrentCall {

	private ConcurrentCall() {
	}

	/**
	 * Start an action on a thread of its own and give it 300 ms: long enough to finish,
	 * unless it waits for what the caller holds. A thread of its own: a pool's worker
	 * waiting here could run the action itself, on the caller's thread.
	 * @param action the call
	 * @return the call, done or still waiting
	 */
	public static CompletableFuture<Void> startAndGiveItAMoment(Runnable action) {
		ExecutorService thread = Executors.newSingleThreadExecutor();
		CompletableFuture<Void> call = CompletableFuture.runAsync(action, thread);
		thread.shutdown();
		try {
			call.get(300, TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			// waiting, or failed: the future tells
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return call;
	}

}
