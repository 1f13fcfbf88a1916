package io.pipeio.converter;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.util.Assert;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts JSON lines with a Jackson 3 {@link JsonMapper}. Output is always a single
 * line, even if the mapper is configured to indent.
 *
 * @author pipe-io
 */
public class JacksonPipeMessageConverter implements PipeMessageConverter {

	private static final char REPLACEMENT = '\uFFFD';

	private final JsonMapper mapper;

	private final ObjectWriter writer;

	private final Map<Type, ObjectReader> readers = new ConcurrentHashMap<>();

	/**
	 * Create a converter.
	 * @param mapper the mapper to use
	 */
	public JacksonPipeMessageConverter(JsonMapper mapper) {
		Assert.notNull(mapper, "'mapper' must not be null");
		this.mapper = mapper;
		this.writer = mapper.writer().without(SerializationFeature.INDENT_OUTPUT);
	}

	@Override
	public boolean canConvertFrom(Type targetType) {
		return true;
	}

	/**
	 * Convert a UTF-8 line, decoded strictly: a line that is not valid UTF-8 (an overlong
	 * form, a lone surrogate, a code point past U+10FFFF, or JSON in UTF-16 or UTF-32,
	 * which Jackson would detect and accept) cannot be converted, as for a {@code String}
	 * parameter.
	 */
	@Override
	public Object fromLine(byte[] buffer, int offset, int length, Type targetType) {
		return fromLine(buffer, offset, length, targetType, StandardCharsets.UTF_8);
	}

	/**
	 * Convert a line of a channel whose charset may not be UTF-8: the JSON text is
	 * decoded with it, strictly.
	 */
	@Override
	public Object fromLine(byte[] buffer, int offset, int length, Type targetType, Charset charset) {
		String text = decode(buffer, offset, length, charset);
		ObjectReader reader = this.readers.computeIfAbsent(targetType,
				(key) -> this.mapper.readerFor(this.mapper.constructType(key)));
		JavaType type = reader.getValueType();
		try {
			// Read from text, not bytes: Jackson would guess the encoding of bytes.
			Object value = reader.readValue(text);
			if (value == null) {
				throw new PipeMessageConversionException("JSON null cannot be converted to " + type.toCanonical(),
						null);
			}
			return value;
		}
		catch (JacksonException ex) {
			// The type as Java writes it, not JavaType's "[simple type, ...]": this
			// message reaches logs and error handlers.
			throw new PipeMessageConversionException(
					"Cannot convert JSON line to " + type.toCanonical() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	private static String decode(byte[] buffer, int offset, int length, Charset charset) {
		if (isUtf8(charset)) {
			// The JDK's decoding finds plain ASCII with an intrinsic; it replaces what is
			// not valid with U+FFFD, so text without one is what a strict decoder
			// returns.
			String text = new String(buffer, offset, length, StandardCharsets.UTF_8);
			if (text.indexOf(REPLACEMENT) < 0) {
				return text;
			}
		}
		try {
			return charset.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(buffer, offset, length))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new PipeMessageConversionException("Cannot decode a JSON line as " + charset, ex);
		}
	}

	/**
	 * Convert an object to a line of a channel whose charset may not be UTF-8: the JSON
	 * text is encoded with it, strictly.
	 */
	@Override
	public byte[] toLine(Object payload, Charset charset) {
		byte[] utf8 = toLine(payload);
		if (isUtf8(charset)) {
			return utf8;
		}
		try {
			ByteBuffer encoded = charset.newEncoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.encode(CharBuffer.wrap(new String(utf8, StandardCharsets.UTF_8)));
			byte[] line = new byte[encoded.remaining()];
			encoded.get(line);
			return line;
		}
		catch (CharacterCodingException ex) {
			throw new PipeMessageConversionException(
					"Cannot write " + payload.getClass().getName() + " as JSON in " + charset, ex);
		}
	}

	private static boolean isUtf8(Charset charset) {
		return charset.equals(StandardCharsets.UTF_8);
	}

	@Override
	public byte[] toLine(Object payload) {
		try {
			return this.writer.writeValueAsBytes(payload);
		}
		catch (JacksonException ex) {
			throw new PipeMessageConversionException(
					"Cannot convert " + payload.getClass().getName() + " to JSON: " + ex.getOriginalMessage(), ex);
		}
	}

}
