package io.pipeio.converter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link JacksonPipeMessageConverter} reads JSON lines decoded strictly in the channel's
 * charset, as a {@code String} parameter is, and never lets Jackson guess the encoding.
 */
class JacksonPipeMessageConverterTests {

	private final JacksonPipeMessageConverter converter = new JacksonPipeMessageConverter(JsonMapper.builder().build());

	@Test
	void readsUtf8IncludingCharactersBeyondAscii() {
		assertThat(read("{\"op\":\"añadir ✓ 😀 \uFFFD\",\"a\":1,\"b\":2}".getBytes(StandardCharsets.UTF_8)))
			.isEqualTo(new Request("añadir ✓ 😀 \uFFFD", 1, 2));
	}

	@Test
	void refusesAnOverlongFormThatWouldHideACharacter() {
		// C0 AF is an overlong '/': lenient decoders turn "ad" C0 AF "d" into "ad/d".
		assertNotUtf8(bytes("{\"op\":\"ad", 0xC0, 0xAF, "d\",\"a\":1,\"b\":2}"));
	}

	@Test
	void refusesACodePointBeyondUnicode() {
		assertNotUtf8(bytes("{\"op\":\"", 0xF4, 0x90, 0x80, 0x80, "\",\"a\":1,\"b\":2}"));
	}

	@Test
	void refusesAnEncodedSurrogate() {
		assertNotUtf8(bytes("{\"op\":\"", 0xED, 0xA0, 0x80, "\",\"a\":1,\"b\":2}"));
	}

	@Test
	void refusesJsonInUtf16WhichJacksonWouldDetect() {
		byte[] json = "{\"op\":\"add\",\"a\":1,\"b\":2}".getBytes(StandardCharsets.UTF_16LE);
		byte[] withMark = new byte[json.length + 2];
		withMark[0] = (byte) 0xFF;
		withMark[1] = (byte) 0xFE;
		System.arraycopy(json, 0, withMark, 2, json.length);
		assertNotUtf8(withMark);
		// without a byte order mark every other byte is NUL, which UTF-8 allows but JSON
		// does not
		assertThatExceptionOfType(PipeMessageConversionException.class)
			.isThrownBy(() -> read("{\"op\":\"add\",\"a\":1,\"b\":2}".getBytes(StandardCharsets.UTF_16BE)))
			.withMessageStartingWith("Cannot convert JSON line to");
	}

	@Test
	void decodesAnotherCharsetStrictlyToo() {
		Charset latin1 = StandardCharsets.ISO_8859_1;
		byte[] line = "{\"op\":\"caf\u00e9\",\"a\":1,\"b\":2}".getBytes(latin1);
		assertThat(this.converter.fromLine(line, 0, line.length, Request.class, latin1))
			.isEqualTo(new Request("caf\u00e9", 1, 2));
		byte[] notAscii = bytes("{\"op\":\"", 0xE9, "\"}");
		assertThatExceptionOfType(PipeMessageConversionException.class).isThrownBy(
				() -> this.converter.fromLine(notAscii, 0, notAscii.length, Request.class, StandardCharsets.US_ASCII))
			.withMessage("Cannot decode a JSON line as US-ASCII");
	}

	@Test
	void aLineThatDoesNotFitTheTypeNamesTheTypeAsJavaWritesIt() {
		assertThatExceptionOfType(PipeMessageConversionException.class)
			.isThrownBy(() -> read("{\"op\":\"add\",\"a\":\"one\",\"b\":2}".getBytes(StandardCharsets.UTF_8)))
			.withMessageStartingWith("Cannot convert JSON line to " + Request.class.getName() + ": ")
			.withMessageContaining("not a valid `int` value")
			.withMessageNotContaining("simple type");
		assertThatExceptionOfType(PipeMessageConversionException.class)
			.isThrownBy(() -> read("null".getBytes(StandardCharsets.UTF_8)))
			.withMessage("JSON null cannot be converted to " + Request.class.getName());
	}

	@Test
	void readsOnlyTheGivenRangeOfTheBuffer() {
		byte[] buffer = "xx{\"op\":\"add\",\"a\":1,\"b\":2}yy".getBytes(StandardCharsets.UTF_8);
		assertThat(this.converter.fromLine(buffer, 2, buffer.length - 4, Request.class))
			.isEqualTo(new Request("add", 1, 2));
	}

	private Object read(byte[] line) {
		return this.converter.fromLine(line, 0, line.length, Request.class);
	}

	private void assertNotUtf8(byte[] line) {
		assertThatExceptionOfType(PipeMessageConversionException.class).isThrownBy(() -> read(line))
			.withMessage("Cannot decode a JSON line as UTF-8");
	}

	/** Text and raw bytes, in order: a String is UTF-8, an Integer one byte. */
	private static byte[] bytes(Object... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (Object part : parts) {
			if (part instanceof String text) {
				out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
			}
			else {
				out.write((Integer) part);
			}
		}
		return out.toByteArray();
	}

	record Request(String op, int a, int b) {
	}

}
