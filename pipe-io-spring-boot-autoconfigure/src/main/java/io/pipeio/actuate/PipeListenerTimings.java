package io.pipeio.actuate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.TimeWindowMax;
import io.pipeio.converter.PipeMessageConversionException;
import io.pipeio.core.BufferedPipeMessageListener;
import io.pipeio.core.PipeChannelContext;
import org.jspecify.annotations.Nullable;

/**
 * Times the listener calls of one channel as the {@code pipeio.listener} timer (count and
 * total time) and the {@code pipeio.listener.max} gauge without making each line pay for
 * a clock read: the lines of one chunk read from the pipe are handled back to back, so
 * the clock is read when the first of them starts and when the chunk ends, and the
 * chunk's time is split exactly over its lines (the nanoseconds left over by the division
 * go to the first outcome). Where the chunk's replies are handed over before it ends,
 * which may wait for room in the send queue, the channel ends the lines' time there as
 * well ({@link #onChunkEnd}), so the wait is not counted as theirs; and after a call that
 * failed, so neither are a retry's wait and the error handler. Totals are the true time
 * spent; the maximum is the longest time per line of a chunk, exact for a line that
 * arrives alone (as a request whose client waits for the reply does). Counts live in
 * plain fields: a channel's listener is never called concurrently.
 * <p>
 * A line that fails with a {@link PipeMessageConversionException} is not a call: it could
 * not be converted for the listener (a {@code @PipeListener} method's parameter), so the
 * method never ran, and the channel counts it as dropped ({@code malformed}) instead.
 *
 * @author pipe-io
 */
final class PipeListenerTimings implements BufferedPipeMessageListener {

	private final String channel;

	private final BufferedPipeMessageListener delegate;

	private final MeterRegistry registry;

	private final Timing success;

	private final Map<Class<?>, Timing> errors = new ConcurrentHashMap<>();

	private final Registered registered;

	/**
	 * When the first line of the current chunk started, valid while {@link #lines} &gt;
	 * 0.
	 */
	private long chunkStart;

	/** Lines of the current chunk handled so far. */
	private int lines;

	PipeListenerTimings(String channel, BufferedPipeMessageListener delegate, MeterRegistry registry) {
		this.channel = channel;
		this.delegate = delegate;
		this.registry = registry;
		this.registered = new Registered(registry);
		this.success = register("success", "none");
	}

	@Override
	public @Nullable Object onMessage(byte[] buffer, int offset, int length, PipeChannelContext context)
			throws Exception {
		if (this.lines++ == 0) {
			this.chunkStart = System.nanoTime();
		}
		try {
			Object reply = this.delegate.onMessage(buffer, offset, length, context);
			this.success.pending++;
			return reply;
		}
		catch (Exception ex) {
			failed(ex);
			throw ex;
		}
	}

	@Override
	public @Nullable Object onMessage(byte[] line, PipeChannelContext context) throws Exception {
		if (this.lines++ == 0) {
			this.chunkStart = System.nanoTime();
		}
		try {
			Object reply = this.delegate.onMessage(line, context);
			this.success.pending++;
			return reply;
		}
		catch (Exception ex) {
			failed(ex);
			throw ex;
		}
	}

	private void failed(Exception ex) {
		if (ex instanceof PipeMessageConversionException) {
			// The line could not be converted for the listener: the method never ran,
			// so this is no call (the channel counts the line as dropped, malformed).
			// Nor is it one of the lines the chunk's time is split over, which would
			// take a call's share; with no call before it in the chunk, the next call
			// reads the clock again and its time is not counted at all.
			this.lines--;
			return;
		}
		error(ex).pending++;
	}

	@Override
	public void onChunkEnd(PipeChannelContext context) {
		int count = this.lines;
		if (count == 0) {
			return;
		}
		long elapsed = System.nanoTime() - this.chunkStart;
		this.lines = 0;
		long perLine = elapsed / count;
		long remainder = elapsed % count;
		long longest = perLine + ((remainder > 0) ? 1 : 0);
		if (this.success.pending > 0) {
			this.success.record(perLine, remainder, longest);
			remainder = 0;
		}
		if (!this.errors.isEmpty()) {
			for (Timing error : this.errors.values()) {
				if (error.pending > 0) {
					error.record(perLine, remainder, longest);
					remainder = 0;
				}
			}
		}
	}

	private Timing error(Exception ex) {
		return this.errors.computeIfAbsent(ex.getClass(), (type) -> register("error", type.getSimpleName()));
	}

	private Timing register(String outcome, String exception) {
		Timing timing = new Timing(
				new TimeWindowMax(this.registry.config().clock(), DistributionStatisticConfig.DEFAULT));
		synchronized (this.registered) {
			if (!this.registered.removed) {
				register(timing, outcome, exception);
			}
		}
		return timing;
	}

	/**
	 * Register the meters that read a timing; called while its listener's meters are not
	 * removed, and atomically with their removal.
	 */
	private void register(Timing timing, String outcome, String exception) {
		Tags tags = Tags.of("channel", this.channel, "outcome", outcome, "exception", exception);
		// A listener attached to the channel before this one (a flow replaced at runtime)
		// left meters that read its own counts, and registering would hand them back, so
		// this listener's calls would never show: they go first. Found by the id before
		// any filter, which a filter that renames meters does not hide.
		Meter.Id timer = new Meter.Id(PipeListenerObservationConvention.NAME, tags, null, null, Meter.Type.TIMER);
		Meter.Id max = new Meter.Id(PipeListenerObservationConvention.NAME + ".max", tags, null, null,
				Meter.Type.GAUGE);
		this.registry.removeByPreFilterId(timer);
		this.registry.removeByPreFilterId(max);
		this.registered.ids.add(timer);
		this.registered.ids.add(max);
		FunctionTimer
			.builder(PipeListenerObservationConvention.NAME, timing, Timing::count, Timing::totalNanos,
					TimeUnit.NANOSECONDS)
			.description("Listener calls")
			.tags(tags)
			.register(this.registry);
		TimeGauge
			.builder(PipeListenerObservationConvention.NAME + ".max", timing, TimeUnit.NANOSECONDS, Timing::maxNanos)
			.description("Longest time per listener call in the last minutes (of a chunk's lines, split evenly)")
			.tags(tags)
			.register(this.registry);
	}

	/**
	 * @return the meters registered for this listener's calls so far and later
	 */
	Registered registered() {
		return this.registered;
	}

	@Override
	public String toString() {
		return this.delegate.toString();
	}

	/**
	 * The meters of one listener's calls, held apart from the listener so that removing
	 * them later keeps no detached listener reachable.
	 */
	static final class Registered {

		private final MeterRegistry registry;

		/**
		 * The ids before any filter: what finds the meters whatever a filter named them.
		 */
		private final List<Meter.Id> ids = new CopyOnWriteArrayList<>();

		private Registered(MeterRegistry registry) {
			this.registry = registry;
		}

		/** Set once removed: a call still running then registers no meter again. */
		private boolean removed;

		/**
		 * Remove the meters, for good: an error of a call still running (one the
		 * channel's stop gave up on) is timed by no meter.
		 */
		synchronized void remove() {
			this.removed = true;
			this.ids.forEach(this.registry::removeByPreFilterId);
		}

	}

	/**
	 * Counts of one outcome. Written by the channel's dispatching thread only, read by
	 * scrapes: opaque writes are plain stores on common hardware (a volatile store costs
	 * a fence) and still never tear or stay invisible.
	 */
	private static final class Timing {

		private static final VarHandle COUNT;

		private static final VarHandle NANOS;

		static {
			try {
				MethodHandles.Lookup lookup = MethodHandles.lookup();
				COUNT = lookup.findVarHandle(Timing.class, "count", long.class);
				NANOS = lookup.findVarHandle(Timing.class, "nanos", long.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private final TimeWindowMax max;

		/** Lines of this outcome in the current chunk. */
		int pending;

		private long count;

		private long nanos;

		Timing(TimeWindowMax max) {
			this.max = max;
		}

		/**
		 * Record the pending lines of the chunk that just ended.
		 * @param perLine the chunk's nanoseconds per line, rounded down
		 * @param extra nanoseconds left over by the division, added to these lines' total
		 * @param longest the longest time of a line of the chunk
		 */
		void record(long perLine, long extra, long longest) {
			NANOS.setOpaque(this, this.nanos + this.pending * perLine + extra);
			COUNT.setOpaque(this, this.count + this.pending);
			this.pending = 0;
			this.max.record(longest, TimeUnit.NANOSECONDS);
		}

		long count() {
			return (long) COUNT.getOpaque(this);
		}

		double totalNanos() {
			return (long) NANOS.getOpaque(this);
		}

		double maxNanos() {
			return this.max.poll(TimeUnit.NANOSECONDS);
		}

	}

}
