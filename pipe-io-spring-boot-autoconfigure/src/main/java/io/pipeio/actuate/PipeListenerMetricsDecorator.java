package io.pipeio.actuate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.pipeio.core.BufferedPipeMessageListener;
import io.pipeio.core.PipeChannelContext;
import io.pipeio.core.PipeMessageListenerDecorator;
import org.jspecify.annotations.Nullable;

/**
 * Times every listener call as {@code pipeio.listener} (tags {@code channel}, {@code outcome},
 * {@code exception}). With an active {@link ObservationRegistry} each call is an
 * {@link Observation}, so tracing works and the timer comes from the registry's meter handler;
 * otherwise a {@link Timer} is recorded directly, the cheaper path.
 *
 * @author pipe-io
 */
public class PipeListenerMetricsDecorator implements PipeMessageListenerDecorator {

	private final @Nullable MeterRegistry meterRegistry;

	private final @Nullable ObservationRegistry observationRegistry;

	private final PipeListenerObservationConvention convention;

	/**
	 * Create a decorator.
	 * @param meterRegistry the meter registry, or {@code null}
	 * @param observationRegistry the observation registry, or {@code null}
	 * @param convention the observation convention
	 */
	public PipeListenerMetricsDecorator(@Nullable MeterRegistry meterRegistry,
			@Nullable ObservationRegistry observationRegistry, PipeListenerObservationConvention convention) {
		this.meterRegistry = meterRegistry;
		this.observationRegistry = observationRegistry;
		this.convention = convention;
	}

	@Override
	public BufferedPipeMessageListener decorate(String channel, BufferedPipeMessageListener listener) {
		ObservationRegistry observations = this.observationRegistry;
		if (observations != null && !observations.isNoop()) {
			return new Observed(channel, listener, observations, this.convention);
		}
		MeterRegistry meters = this.meterRegistry;
		return (meters != null) ? new Timed(channel, listener, meters) : listener;
	}

	private static final class Observed implements BufferedPipeMessageListener {

		private final String channel;

		private final BufferedPipeMessageListener delegate;

		private final ObservationRegistry registry;

		private final PipeListenerObservationConvention convention;

		Observed(String channel, BufferedPipeMessageListener delegate, ObservationRegistry registry,
				PipeListenerObservationConvention convention) {
			this.channel = channel;
			this.delegate = delegate;
			this.registry = registry;
			this.convention = convention;
		}

		@Override
		public @Nullable Object onMessage(byte[] buffer, int offset, int length, PipeChannelContext context)
				throws Exception {
			Observation observation = Observation.createNotStarted(this.convention, null,
					() -> new PipeListenerObservationContext(this.channel), this.registry);
			observation.start();
			try (Observation.Scope scope = observation.openScope()) {
				return this.delegate.onMessage(buffer, offset, length, context);
			}
			catch (Exception ex) {
				observation.error(ex);
				throw ex;
			}
			finally {
				observation.stop();
			}
		}

		@Override
		public String toString() {
			return this.delegate.toString();
		}

	}

	private static final class Timed implements BufferedPipeMessageListener {

		private final String channel;

		private final BufferedPipeMessageListener delegate;

		private final MeterRegistry registry;

		private final Timer success;

		private final Map<Class<?>, Timer> errors = new ConcurrentHashMap<>();

		Timed(String channel, BufferedPipeMessageListener delegate, MeterRegistry registry) {
			this.channel = channel;
			this.delegate = delegate;
			this.registry = registry;
			this.success = timer("success", "none");
		}

		@Override
		public @Nullable Object onMessage(byte[] buffer, int offset, int length, PipeChannelContext context)
				throws Exception {
			long start = System.nanoTime();
			try {
				Object reply = this.delegate.onMessage(buffer, offset, length, context);
				this.success.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
				return reply;
			}
			catch (Exception ex) {
				this.errors.computeIfAbsent(ex.getClass(), (type) -> timer("error", type.getSimpleName()))
					.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
				throw ex;
			}
		}

		private Timer timer(String outcome, String exception) {
			return Timer.builder(PipeListenerObservationConvention.NAME)
				.description("Listener calls")
				.tags("channel", this.channel, "outcome", outcome, "exception", exception)
				.register(this.registry);
		}

		@Override
		public String toString() {
			return this.delegate.toString();
		}

	}

}
