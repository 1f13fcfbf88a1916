package io.pipeio.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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

	WarningBudget(int warnings) {
		this(warnings, DEFAULT_INTERVAL_NANOS, System::nanoTime);
	}

	WarningBudget(int warnings, long intervalNanos, LongSupplier nanoClock) {
		this.warnings = warnings;
		this.intervalNanos = intervalNanos;
		this.nanoClock = nanoClock;
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
		Window window = this.windows.computeIfAbsent(new Key(channel, reason), (key) -> new Window());
		synchronized (window) {
			long now = this.nanoClock.getAsLong();
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
	}

	private record Key(String channel, DropReason reason) {
	}

	/** The current interval of one channel and reason; guarded by itself. */
	private static final class Window {

		boolean started;

		long start;

		int warned;

		long leftOut;

	}

}
