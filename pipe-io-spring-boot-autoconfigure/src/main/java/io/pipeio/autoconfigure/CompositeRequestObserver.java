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
	public @Nullable Span onRequestStarted(String channel) {
		List<Span> spans = new ArrayList<>(this.observers.size());
		for (PipeRequestObserver observer : this.observers) {
			Span span = observer.onRequestStarted(channel);
			if (span != null) {
				spans.add(span);
			}
		}
		return switch (spans.size()) {
			case 0 -> null;
			case 1 -> spans.get(0);
			default -> (outcome, failure) -> spans.forEach((span) -> span.end(outcome, failure));
		};
	}

	@Override
	public void onRequestCompleted(String channel, PipeRequestOutcome outcome, Duration duration) {
		this.observers.forEach((observer) -> observer.onRequestCompleted(channel, outcome, duration));
	}

}
