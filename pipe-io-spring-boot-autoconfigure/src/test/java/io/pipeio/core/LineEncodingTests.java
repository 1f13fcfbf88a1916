package io.pipeio.core;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Unit tests of {@link LineEncoding}'s strict encoding: a line the charset cannot encode
 * is refused, wherever the character is, and a line with its own question marks is
 * written as it is; the word-at-a-time count must agree with a loop over single bytes.
 */
class LineEncodingTests {

	/** Bytes one bit away from '?', or that a zero-byte test could mistake for one. */
	private static final byte[] NEIGHBOURS = { 0x00, 0x01, 0x3E, 0x3D, 0x3B, 0x37, 0x2F, 0x1F, 0x7F, (byte) 0x80,
			(byte) 0xBF, (byte) 0xC0, (byte) 0xFF };

	@Test
	void countsTheQuestionMarksOfEveryLengthAtEveryPosition() {
		Random random = new Random(11);
		for (int length = 0; length <= 40; length++) {
			for (int round = 0; round < 40; round++) {
				byte[] bytes = new byte[length];
				for (int i = 0; i < length; i++) {
					int pick = random.nextInt(4);
					bytes[i] = (pick == 0) ? (byte) '?'
							: (pick == 1) ? NEIGHBOURS[random.nextInt(NEIGHBOURS.length)] : (byte) random.nextInt(256);
				}
				assertThat(LineEncoding.questionMarks(bytes)).as("length %d, round %d", length, round)
					.isEqualTo(byteLoop(bytes));
			}
		}
	}

	@Test
	void countsQuestionMarksBesideNeighboursInEveryByteOfAWord() {
		for (byte neighbour : NEIGHBOURS) {
			for (int position = 0; position < 17; position++) {
				byte[] bytes = new byte[17];
				Arrays.fill(bytes, neighbour);
				bytes[position] = '?';
				assertThat(LineEncoding.questionMarks(bytes)).as("neighbour %02x at %d", neighbour, position)
					.isEqualTo(1);
			}
		}
	}

	@Test
	void writesALineWithItsOwnQuestionMarksAsItIs() {
		String line = "what? why?? " + "?".repeat(20) + " é";
		assertThat(LineEncoding.encode(line, StandardCharsets.UTF_8, "work"))
			.isEqualTo(line.getBytes(StandardCharsets.UTF_8));
		assertThat(LineEncoding.encode(line, StandardCharsets.ISO_8859_1, "work"))
			.isEqualTo(line.getBytes(StandardCharsets.ISO_8859_1));
	}

	@Test
	void refusesALoneSurrogateInUtf8WhereverItIs() {
		for (int position = 0; position <= 20; position++) {
			String line = "?".repeat(position % 3) + "x".repeat(position) + '\uD800' + "y".repeat(20 - position);
			assertRefused(line, StandardCharsets.UTF_8);
		}
	}

	@Test
	void refusesACharacterTheCharsetCannotEncodeEvenBesideQuestionMarks() {
		assertRefused("price? 5 €", StandardCharsets.ISO_8859_1);
		assertRefused("naïve?", StandardCharsets.US_ASCII);
		assertRefused("€", StandardCharsets.US_ASCII);
	}

	@Test
	void refusesACharacterThatTheCharsetReplacesWithAFullWidthQuestionMark() {
		// ISO-2022-JP writes what it cannot encode as a full-width question mark (ESC $ B
		// 0x21 0x29 ESC ( B), with no '?' byte to count.
		assumeTrue(Charset.isSupported("ISO-2022-JP"), "ISO-2022-JP is not available in this JDK");
		Charset charset = Charset.forName("ISO-2022-JP");
		assertRefused("price 5 €", charset);
		assertRefused("x\uD800", charset);
		String line = "日本語? ok";
		assertThat(LineEncoding.encode(line, charset, "work")).isEqualTo(line.getBytes(charset));
	}

	private static void assertRefused(String line, Charset charset) {
		assertThatIllegalArgumentException().isThrownBy(() -> LineEncoding.encode(line, charset, "work"))
			.withMessageContaining("channel 'work'")
			.withMessageContaining(charset.toString())
			.withMessageContaining("choose a charset that has every character");
	}

	private static int byteLoop(byte[] bytes) {
		int count = 0;
		for (byte b : bytes) {
			if (b == '?') {
				count++;
			}
		}
		return count;
	}

}
