package io.pipeio.server;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link Newlines}: the word-at-a-time search must find what a loop over
 * single bytes finds, wherever the newline is and whatever bytes surround it.
 */
class NewlinesTests {

	/**
	 * Bytes one bit away from a newline, or that the zero-byte test could mistake for one
	 * (a zero, the high bit set), around it and in place of it.
	 */
	private static final byte[] NEIGHBOURS = { 0x00, 0x01, 0x08, 0x09, 0x0B, 0x0E, 0x1A, 0x2A, 0x4A, (byte) 0x7F,
			(byte) 0x80, (byte) 0x8A, (byte) 0xFA, (byte) 0xFF };

	@Test
	void findsTheFirstNewlineAtEveryPositionOfEveryRange() {
		Random random = new Random(7);
		for (int length = 0; length <= 40; length++) {
			for (int round = 0; round < 20; round++) {
				byte[] bytes = noNewlines(random, length + 8);
				int from = random.nextInt(5);
				int to = from + length;
				assertThat(Newlines.indexOf(bytes, from, to)).isEqualTo(-1);
				for (int first = from; first < to; first++) {
					byte[] marked = bytes.clone();
					marked[first] = '\n';
					if (first + 1 < to && random.nextBoolean()) {
						marked[first + 1 + random.nextInt(to - first - 1)] = '\n';
					}
					assertThat(Newlines.indexOf(marked, from, to)).as("length %d, newline at %d", length, first)
						.isEqualTo(first);
				}
			}
		}
	}

	@Test
	void looksOnlyInsideTheRange() {
		byte[] bytes = "\nabcdefghijklmnop\n".getBytes();
		assertThat(Newlines.indexOf(bytes, 1, bytes.length - 1)).isEqualTo(-1);
		assertThat(Newlines.indexOf(bytes, 1, bytes.length)).isEqualTo(bytes.length - 1);
		assertThat(Newlines.indexOf(bytes, 0, 0)).isEqualTo(-1);
	}

	private static byte[] noNewlines(Random random, int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (random.nextInt(3) == 0) ? NEIGHBOURS[random.nextInt(NEIGHBOURS.length)]
					: (byte) ('a' + random.nextInt(26));
		}
		return bytes;
	}

}
