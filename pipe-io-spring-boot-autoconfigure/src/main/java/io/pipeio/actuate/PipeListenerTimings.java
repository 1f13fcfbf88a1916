package io.pipeio.actuate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipeio.core.BufferedPipeMessageListener;
import io.pipeio.core.PipeChannelContext;
import org.jspecify.annotations.Nullable;

/**
 * Times the listener calls of one channel as the {@code pipeio.listener} timer without making the
 * hot path pay for it: calls are counted exactly, but only one call in
 * {@value #SAMPLE_INTERVAL} reads the clock (two {@code System.nanoTime()} calls cost about 15 % of
 * a 100-byte echo). The total time reported is the count times the mean of the timed calls.
 * Counts live in plain fields: a channel's listener is never called concurrently.
 *
 * @author pipe-io
 */
final class PipeListenerTimings implements BufferedPipeMessageListener {

	/** One call in this many is timed; a power of two. */
	static final int SAMPLE_INTERVAL = 16;

	private final String channel;

	private final BufferedPipeMessageListener delegate;

	private final MeterRegistry registry;

	private final Timing success;

	private final Map<Class<?>, Timing> errors = new ConcurrentHashMap<>();

	private long calls;

	PipeListenerTimings(String channel, BufferedPipeMessageListener delegate, MeterRegistry registry) {
		this.channel = channel;
		this.delegate = delegate;
		this.registry = registry;
		this.success = register("success", "none", null);
	}

	@Override
	public @Nullable Object onMessage(byte[] buffer, int offset, int length, PipeChannelContext context)
			throws Exception {
		boolean timed = (this.calls++ & (SAMPLE_INTERVAL - 1)) == 0;
		long start = timed ? System.nanoTime() : 0;
		try {
			Object reply = this.delegate.onMessage(buffer, offset, length, context);
			this.success.record(timed, start);
			return reply;
		}
		catch (Exception ex) {
			error(ex).record(timed, start);
			throw ex;
		}
	}

	@Override
	public @Nullable Object onMessage(byte[] line, PipeChannelContext context) throws Exception {
		// A large line in an array of its own: rare, so timed every time.
		long start = System.nanoTime();
		try {
			Object reply = this.delegate.onMessage(line, context);
			this.success.record(true, start);
			return reply;
		}
		catch (Exception ex) {
			error(ex).record(true, start);
			throw ex;
		}
	}

	private Timing error(Exception ex) {
		return this.errors.computeIfAbsent(ex.getClass(), (type) -> register("error", type.getSimpleName(), this.success));
	}

	private Timing register(String outcome, String exception, @Nullable Timing fallback) {
		Timing timing = new Timing(fallback);
		FunctionTimer.builder(PipeListenerObservationConvention.NAME, timing, Timing::count, Timing::totalNanos,
				TimeUnit.NANOSECONDS)
			.description("Listener calls (total time estimated from a sample of calls)")
			.tags("channel", this.channel, "outcome", outcome, "exception", exception)
			.register(this.registry);
		return timing;
	}

	@Override
	public String toString() {
		return this.delegate.toString();
	}

	/**
	 * Counts of one outcome. Written by the channel's dispatching thread only, read by scrapes:
	 * opaque writes are plain stores on common hardware (a volatile store costs a fence per line)
	 * and still never tear or stay invisible.
	 */
	private static final class Timing {

		private static final VarHandle COUNT;

		private static final VarHandle TIMED_COUNT;

		private static final VarHandle TIMED_NANOS;

		static {
			try {
				MethodHandles.Lookup lookup = MethodHandles.lookup();
				COUNT = lookup.findVarHandle(Timing.class, "count", long.class);
				TIMED_COUNT = lookup.findVarHandle(Timing.class, "timedCount", long.class);
				TIMED_NANOS = lookup.findVarHandle(Timing.class, "timedNanos", long.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private final @Nullable Timing fallback;

		private long count;

		private long timedCount;

		private long timedNanos;

		Timing(@Nullable Timing fallback) {
			this.fallback = fallback;
		}

		void record(boolean timed, long start) {
			if (timed) {
				TIMED_NANOS.setOpaque(this, this.timedNanos + (System.nanoTime() - start));
				TIMED_COUNT.setOpaque(this, this.timedCount + 1);
			}
			COUNT.setOpaque(this, this.count + 1);
		}

		long count() {
			return (long) COUNT.getOpaque(this);
		}

		double totalNanos() {
			return count() * meanNanos();
		}

		private double meanNanos() {
			long sampled = (long) TIMED_COUNT.getOpaque(this);
			if (sampled > 0) {
				return (double) (long) TIMED_NANOS.getOpaque(this) / sampled;
			}
			// No call of this outcome was timed yet: use the successful calls' mean.
			return (this.fallback != null) ? this.fallback.meanNanos() : 0;
		}

	}

}
