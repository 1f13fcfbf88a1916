package io.pipeio.listener;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import io.pipeio.converter.PipeMessageConversionException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link LineDecoder}: strict whichever way a line is decoded.
 *
 * @author pipe-io
 */
class LineDecoderTests {

	@Test
	void decodesAsciiInTheMiddleOfABuffer() {
		byte[] buffer = "xxhello worldyy".getBytes(StandardCharsets.US_ASCII);
		assertThat(new LineDecoder(StandardCharsets.UTF_8).decode(buffer, 2, 11)).isEqualTo("hello world");
		assertThat(new LineDecoder(StandardCharsets.US_ASCII).decode(buffer, 2, 11)).isEqualTo("hello world");
		assertThat(new LineDecoder(StandardCharsets.ISO_8859_1).decode(buffer, 2, 11)).isEqualTo("hello world");
	}

	@Test
	void decodesValidUtf8() {
		String text = "grüße, привет, 😀";
		assertThat(decode(StandardCharsets.UTF_8, text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
	}

	@Test
	void decodesAReplacementCharacterThatIsInTheLine() {
		String text = "a\uFFFDb";
		assertThat(decode(StandardCharsets.UTF_8, text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
	}

	@Test
	void rejectsMalformedUtf8() {
		assertMalformed(StandardCharsets.UTF_8, new byte[] { 'a', (byte) 0xC3 });
		assertMalformed(StandardCharsets.UTF_8, new byte[] { 'a', (byte) 0xFF, 'b' });
		// a surrogate encoded on its own (CESU-8) is not UTF-8
		assertMalformed(StandardCharsets.UTF_8, new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 });
	}

	@Test
	void rejectsBytesAboveAsciiInUsAscii() {
		assertMalformed(StandardCharsets.US_ASCII, new byte[] { 'a', (byte) 0xE9 });
	}

	@Test
	void decodesEveryByteInIsoLatin1() {
		assertThat(decode(StandardCharsets.ISO_8859_1, new byte[] { 'a', (byte) 0xE9, (byte) 0xFF })).isEqualTo("aéÿ");
	}

	@Test
	void decodesOtherCharsetsStrictly() {
		Charset utf16 = StandardCharsets.UTF_16BE;
		assertThat(decode(utf16, "héllo".getBytes(utf16))).isEqualTo("héllo");
		assertMalformed(utf16, new byte[] { 0, 'a', 0 });
	}

	private static String decode(Charset charset, byte[] line) {
		return new LineDecoder(charset).decode(line, 0, line.length);
	}

	private static void assertMalformed(Charset charset, byte[] line) {
		assertThatExceptionOfType(PipeMessageConversionException.class).isThrownBy(() -> decode(charset, line))
			.withMessageContaining("not valid " + charset.name());
	}

}
