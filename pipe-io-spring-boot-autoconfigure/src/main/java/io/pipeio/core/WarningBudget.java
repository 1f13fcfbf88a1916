package io.pipeio.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.pipeio.server.DropReason;
import org.jspecify.annotations.Nullable;

/**
 * How many warnings of dropped lines a channel may log for one reason: a few in each
 * interval, then none until the interval ends. A client that writes bad lines as fast as
 * it can would otherwise turn every line into a warning, megabytes of log from kilobytes
 * of input; every dropped line is counted in the meters either way, and the warnings left
 * out are logged at debug level. The first warning after some were left out says how
 * many.
 * <p>
 * A channel and reason whose interval ended is forgotten, unless warnings were left out
 * in it: those are told by its next warning, if one comes within another interval. So an
 * application that makes channels with new names, one per client, say, keeps only those
 * that warned lately.
 *
 * @author pipe-io
 */
final class WarningBudget {

	/** Warnings a channel may log for one reason in each interval, by default. */
	static final int DEFAULT_WARNINGS = 10;

	/** The interval, by default: 10 seconds. */
	static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final int warnings;

	private final long intervalNanos;

	private final LongSupplier nanoClock;

	private final Map<Key, Window> windows = new ConcurrentHashMap<>();

	/** When the windows are looked through next for those to forget. */
	private final AtomicLong nextPurge;

	WarningBudget(int warnings) {
		this(warnings, DEFAULT_INTERVAL_NANOS, System::nanoTime);
	}

	WarningBudget(int warnings, long intervalNanos, LongSupplier nanoClock) {
		this.warnings = warnings;
		this.intervalNanos = intervalNanos;
		this.nanoClock = nanoClock;
		this.nextPurge = new AtomicLong(nanoClock.getAsLong() + intervalNanos);
	}

	/**
	 * Take a warning of a line the channel dropped for the reason from its budget.
	 * @param channel the channel's name
	 * @param reason why the line was dropped
	 * @return {@code null} when the budget is spent and the warning is to be logged at
	 * debug level instead, or else what to append to the warning: empty, or the number of
	 * warnings left out before it, or that this one spends the budget
	 */
	@Nullable String take(String channel, DropReason reason) {
		Key key = new Key(channel, reason);
		purgeIfDue(this.nanoClock.getAsLong());
		while (true) {
			Window window = this.windows.computeIfAbsent(key, (absent) -> new Window());
			synchronized (window) {
				if (!window.forgotten) {
					// read under the window's lock, so that each window sees time go on
					return take(window, reason, this.nanoClock.getAsLong());
				}
			}
			// forgotten since it was looked up: the next lookup makes a new one (removed
			// here too, so that this never depends on the purge's removal)
			this.windows.remove(key, window);
		}
	}

	private @Nullable String take(Window window, DropReason reason, long now) {
		if (!window.started || now - window.start >= this.intervalNanos) {
			window.started = true;
			window.start = now;
			window.warned = 0;
		}
		if (window.warned == this.warnings) {
			window.leftOut++;
			return null;
		}
		window.warned++;
		long leftOut = window.leftOut;
		window.leftOut = 0;
		String suffix = (leftOut > 0) ? " [" + leftOut + " more " + reason.tag()
				+ " warning(s) of this channel were logged at debug level only]" : "";
		if (window.warned == this.warnings) {
			suffix += " [more " + reason.tag() + " warnings of this channel within "
					+ TimeUnit.NANOSECONDS.toSeconds(this.intervalNanos)
					+ " s are logged at debug level only; every line is counted in pipeio.messages.dropped]";
		}
		return suffix;
	}

	/**
	 * Forget, once an interval, the windows that ended with nothing left out (a new one
	 * takes warnings just as they would), and those that ended an interval ago.
	 */
	private void purgeIfDue(long now) {
		long due = this.nextPurge.get();
		if (now - due < 0 || !this.nextPurge.compareAndSet(due, now + this.intervalNanos)) {
			return;
		}
		this.windows.values().removeIf((window) -> {
			synchronized (window) {
				long age = now - window.start;
				window.forgotten = !window.started || (age >= this.intervalNanos && window.leftOut == 0)
						|| age >= 2 * this.intervalNanos;
				return window.forgotten;
			}
		});
	}

	/**
	 * @return how many channels and reasons are remembered, for tests
	 */
	int size() {
		return this.windows.size();
	}

	private record Key(String channel, DropReason reason) {
	}

	/** The current interval of one channel and reason; guarded by itself. */
	private static final class Window {

		/** Removed from the windows: a take that found it looks again. */
		boolean forgotten;

		boolean started;

		long start;

		int warned;

		long leftOut;

	}

}
