package io.pipeio.actuate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.pipeio.core.BufferedPipeMessageListener;
import io.pipeio.core.PipeChannelContext;
import io.pipeio.core.PipeMessageListenerDecorator;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import org.jspecify.annotations.Nullable;

/**
 * Times every listener call as {@code pipeio.listener} (tags {@code channel},
 * {@code outcome}, {@code exception}). When observations are enabled (by default: when a
 * tracer is configured) each call is an {@link Observation}, so traces cover listener
 * calls and the timer comes from the observation registry's meter handler; that costs
 * about a microsecond per line. Otherwise the calls are timed by
 * {@link PipeListenerTimings}, which costs a few nanoseconds, and a line that could not
 * be converted for the listener is no call; an observation starts before the conversion,
 * so it ends with that error.
 * <p>
 * A channel's timers are removed with the channel, and a listener's when another one
 * replaces it, even behind a filter that renames them. The observation handler's timers
 * are found by their names instead, as {@code pipeio.*} meters tagged with the channel. A
 * call that ends after its channel was removed (one the channel's stop gave up on) leaves
 * none behind either.
 *
 * @author pipe-io
 */
public class PipeListenerMetricsDecorator implements PipeMessageListenerDecorator, PipeServerListener {

	private final @Nullable MeterRegistry meterRegistry;

	private final @Nullable ObservationRegistry observationRegistry;

	private final boolean observe;

	private final PipeListenerObservationConvention convention;

	/** The meters of each channel's current listener, by channel. */
	private final Map<String, PipeListenerTimings.Registered> timers = new ConcurrentHashMap<>();

	/** Each channel's current observed listener, by channel. */
	private final Map<String, Observed> observed = new ConcurrentHashMap<>();

	/**
	 * Create a decorator.
	 * @param meterRegistry the meter registry, or {@code null}
	 * @param observationRegistry the observation registry, or {@code null}
	 * @param observe whether to observe each call (when the observation registry is not a
	 * no-op)
	 * @param convention the observation convention
	 */
	public PipeListenerMetricsDecorator(@Nullable MeterRegistry meterRegistry,
			@Nullable ObservationRegistry observationRegistry, boolean observe,
			PipeListenerObservationConvention convention) {
		this.meterRegistry = meterRegistry;
		this.observationRegistry = observationRegistry;
		this.observe = observe;
		this.convention = convention;
	}

	@Override
	public BufferedPipeMessageListener decorate(String channel, BufferedPipeMessageListener listener) {
		ObservationRegistry observations = this.observationRegistry;
		if (this.observe && observations != null && !observations.isNoop()) {
			Observed decorated = new Observed(channel, listener, observations, this.convention, this::removeLateMeters);
			this.observed.put(channel, decorated);
			return decorated;
		}
		MeterRegistry meters = this.meterRegistry;
		if (meters == null) {
			return listener;
		}
		// The previous listener's meters go first: its error timers would otherwise stay,
		// and removed later they would take this one's of the same name.
		PipeListenerTimings[] created = new PipeListenerTimings[1];
		this.timers.compute(channel, (name, previous) -> {
			if (previous != null) {
				previous.remove();
			}
			created[0] = new PipeListenerTimings(name, listener, meters);
			return created[0].registered();
		});
		return created[0];
	}

	@Override
	public void onRemoved(PipeServer server) {
		PipeListenerTimings.Registered removed = this.timers.remove(server.getChannel());
		if (removed != null) {
			removed.remove();
		}
		Observed observedRemoved = this.observed.remove(server.getChannel());
		if (observedRemoved != null) {
			observedRemoved.removed = true;
		}
	}

	/**
	 * Remove the meters an observation of a removed channel's listener registered as it
	 * ended (a call the channel's stop gave up on), unless a channel of that name was
	 * added since.
	 */
	private void removeLateMeters(String channel) {
		MeterRegistry meters = this.meterRegistry;
		if (meters == null) {
			return;
		}
		this.observed.compute(channel, (name, current) -> {
			if (current == null) {
				meters.find(this.convention.getName()).tag("channel", name).meters().forEach(meters::remove);
				meters.find(this.convention.getName() + ".active")
					.tag("channel", name)
					.meters()
					.forEach(meters::remove);
			}
			return current;
		});
	}

	private static final class Observed implements BufferedPipeMessageListener {

		private final String channel;

		private final BufferedPipeMessageListener delegate;

		private final ObservationRegistry registry;

		private final PipeListenerObservationConvention convention;

		private final Consumer<String> afterRemoval;

		/** Set once its channel was removed. */
		volatile boolean removed;

		Observed(String channel, BufferedPipeMessageListener delegate, ObservationRegistry registry,
				PipeListenerObservationConvention convention, Consumer<String> afterRemoval) {
			this.channel = channel;
			this.delegate = delegate;
			this.registry = registry;
			this.convention = convention;
			this.afterRemoval = afterRemoval;
		}

		@Override
		public @Nullable Object onMessage(byte[] buffer, int offset, int length, PipeChannelContext context)
				throws Exception {
			return observe(() -> this.delegate.onMessage(buffer, offset, length, context));
		}

		@Override
		public @Nullable Object onMessage(byte[] line, PipeChannelContext context) throws Exception {
			return observe(() -> this.delegate.onMessage(line, context));
		}

		private @Nullable Object observe(Call call) throws Exception {
			// The bean's convention as the custom one, so no global convention overrides
			// it; Micrometer wants a default too, never used then.
			Observation observation = Observation.createNotStarted(this.convention, this.convention,
					() -> new PipeListenerObservationContext(this.channel), this.registry);
			observation.start();
			try (Observation.Scope scope = observation.openScope()) {
				return call.call();
			}
			catch (Exception ex) {
				observation.error(ex);
				throw ex;
			}
			finally {
				observation.stop();
				if (this.removed) {
					this.afterRemoval.accept(this.channel);
				}
			}
		}

		@Override
		public String toString() {
			return this.delegate.toString();
		}

	}

	/**
	 * A listener call.
	 */
	@FunctionalInterface
	private interface Call {

		@Nullable Object call() throws Exception;

	}

}
