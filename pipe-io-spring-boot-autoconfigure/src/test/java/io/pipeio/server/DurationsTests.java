package io.pipeio.server;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Durations} writes a duration as a property is written, in the largest unit that
 * shows it exactly.
 */
class DurationsTests {

	@Test
	void theLargestExactUnitIsUsed() {
		assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
		assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
		assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
		assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
		assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
		assertThat(Durations.format(Duration.ofHours(48))).isEqualTo("2d");
		assertThat(Durations.format(Duration.ofNanos(1500))).isEqualTo("1500ns");
		assertThat(Durations.format(Duration.ofNanos(2000))).isEqualTo("2us");
		assertThat(Durations.format(Duration.ofSeconds(-5))).isEqualTo("-5s");
	}

	@Test
	void aDurationTooLongForTheSmallUnitsIsStillWritten() {
		assertThat(Durations.format(Duration.ofSeconds(Long.MAX_VALUE / 2, 1))).startsWith("PT");
		assertThat(Durations.format(Duration.ofDays(400_000_000L))).isEqualTo("400000000d");
	}

}
