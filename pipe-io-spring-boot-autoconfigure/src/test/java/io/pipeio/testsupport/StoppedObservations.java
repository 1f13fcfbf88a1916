package io.pipeio.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

/**
 * An observation handler that keeps the context of every observation that stopped, in the
 * order they stopped.
 */
public final class StoppedObservations implements ObservationHandler<Observation.Context> {

	private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	@Override
	public void onStop(Observation.Context context) {
		this.stopped.add(context);
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return true;
	}

	/**
	 * @return the contexts of the observations that stopped so far
	 */
	public List<Observation.Context> all() {
		return this.stopped;
	}

	/**
	 * @param <C> the context type
	 * @param type the type of the contexts wanted
	 * @return the contexts of that type of the observations that stopped so far
	 */
	public <C extends Observation.Context> List<C> of(Class<C> type) {
		return this.stopped.stream().filter(type::isInstance).map(type::cast).toList();
	}

}
