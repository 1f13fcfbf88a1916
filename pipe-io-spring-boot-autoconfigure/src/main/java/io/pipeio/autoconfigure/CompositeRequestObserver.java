package io.pipeio.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.pipeio.core.PipeRequestObserver;
import io.pipeio.core.PipeRequestOutcome;
import org.jspecify.annotations.Nullable;

/**
 * Tells several {@link PipeRequestObserver}s of each request, in order: the metrics' and
 * the application's own.
 *
 * @author pipe-io
 */
final class CompositeRequestObserver implements PipeRequestObserver {

	private final List<PipeRequestObserver> observers;

	private CompositeRequestObserver(List<PipeRequestObserver> observers) {
		this.observers = observers;
	}

	/**
	 * @param observers the observers, in order
	 * @return one observer that tells them all, or {@code null} if there are none
	 */
	static @Nullable PipeRequestObserver of(List<PipeRequestObserver> observers) {
		return switch (observers.size()) {
			case 0 -> null;
			case 1 -> observers.get(0);
			default -> new CompositeRequestObserver(List.copyOf(observers));
		};
	}

	@Override
	public @Nullable Handle onRequestStarted(String channel) {
		List<Handle> handles = new ArrayList<>(this.observers.size());
		try {
			for (PipeRequestObserver observer : this.observers) {
				Handle handle = observer.onRequestStarted(channel);
				if (handle != null) {
					handles.add(handle);
				}
			}
		}
		catch (RuntimeException | Error ex) {
			// the request is not sent: end what the others started
			endAll(handles, PipeRequestOutcome.ERROR, ex);
			throw ex;
		}
		return switch (handles.size()) {
			case 0 -> null;
			case 1 -> handles.get(0);
			default -> (outcome, failure) -> endAll(handles, outcome, failure);
		};
	}

	/** End every handle, also when one throws; the first failure is thrown after. */
	private static void endAll(List<Handle> handles, PipeRequestOutcome outcome, @Nullable Throwable failure) {
		Throwable first = null;
		for (Handle handle : handles) {
			try {
				handle.end(outcome, failure);
			}
			catch (RuntimeException | Error ex) {
				if (first == null) {
					first = ex;
				}
				else {
					first.addSuppressed(ex);
				}
			}
		}
		if (first instanceof Error error) {
			throw error;
		}
		if (first != null) {
			throw (RuntimeException) first;
		}
	}

	@Override
	public void onRequestCompleted(String channel, PipeRequestOutcome outcome, Duration duration) {
		this.observers.forEach((observer) -> observer.onRequestCompleted(channel, outcome, duration));
	}

}
