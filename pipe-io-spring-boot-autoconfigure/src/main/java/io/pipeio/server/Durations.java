package io.pipeio.server;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * Durations in messages as a Spring Boot property is written ({@code 30s},
 * {@code 250ms}), not in ISO-8601 form ({@code PT30S}): in the largest unit that shows
 * the value exactly.
 * <p>
 * Internal: public only for the other packages of pipe-io.
 *
 * @author pipe-io
 */
public final class Durations {

	private static final ChronoUnit[] UNITS = { ChronoUnit.DAYS, ChronoUnit.HOURS, ChronoUnit.MINUTES,
			ChronoUnit.SECONDS, ChronoUnit.MILLIS, ChronoUnit.MICROS };

	private static final String[] SUFFIXES = { "d", "h", "m", "s", "ms", "us" };

	private Durations() {
	}

	/**
	 * Format a duration for a message.
	 * @param duration the duration
	 * @return such as {@code 30s}, {@code 1500ms} or {@code -2m}
	 */
	public static String format(Duration duration) {
		if (duration.isZero()) {
			return "0s";
		}
		try {
			for (int i = 0; i < UNITS.length; i++) {
				Duration unit = UNITS[i].getDuration();
				long count = duration.dividedBy(unit);
				if (unit.multipliedBy(count).equals(duration)) {
					return count + SUFFIXES[i];
				}
			}
			return duration.toNanos() + "ns";
		}
		catch (ArithmeticException ex) {
			// longer than any setting: some quarter million years
			return duration.toString();
		}
	}

}
