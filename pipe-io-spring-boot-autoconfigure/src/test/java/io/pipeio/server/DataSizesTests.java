package io.pipeio.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DataSizes} writes a size as a {@code DataSize} property is written, in the
 * largest unit that shows it exactly.
 */
class DataSizesTests {

	@Test
	void theLargestExactUnitIsUsed() {
		assertThat(DataSizes.format(0)).isEqualTo("0B");
		assertThat(DataSizes.format(16)).isEqualTo("16B");
		assertThat(DataSizes.format(1536)).isEqualTo("1536B");
		assertThat(DataSizes.format(2048)).isEqualTo("2KB");
		assertThat(DataSizes.format(64L * 1024 * 1024)).isEqualTo("64MB");
		assertThat(DataSizes.format(3L << 30)).isEqualTo("3GB");
		assertThat(DataSizes.format(5L << 40)).isEqualTo("5TB");
		assertThat(DataSizes.format(4096L << 40)).isEqualTo("4096TB");
		assertThat(DataSizes.format(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE + "B");
	}

}
