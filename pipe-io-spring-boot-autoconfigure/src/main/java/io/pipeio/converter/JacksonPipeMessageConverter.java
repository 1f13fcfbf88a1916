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

	@Override
	public Object fromLine(byte[] buffer, int offset, int length, Type targetType) {
		ObjectReader reader = this.readers.computeIfAbsent(targetType,
				(key) -> this.mapper.readerFor(this.mapper.constructType(key)));
		JavaType type = reader.getValueType();
		try {
			Object value = reader.readValue(buffer, offset, length);
			if (value == null) {
				throw new PipeMessageConversionException("JSON null cannot be converted to " + type, null);
			}
			return value;
		}
		catch (JacksonException ex) {
			throw new PipeMessageConversionException(
					"Cannot convert JSON line to " + type + ": " + ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Convert a line of a channel whose charset may not be UTF-8: the JSON text is
	 * decoded with it, strictly.
	 */
	@Override
	public Object fromLine(byte[] buffer, int offset, int length, Type targetType, Charset charset) {
		if (isUtf8(charset)) {
			return fromLine(buffer, offset, length, targetType);
		}
		String text;
		try {
			text = charset.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(buffer, offset, length))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new PipeMessageConversionException("Cannot decode a JSON line as " + charset, ex);
		}
		byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
		return fromLine(utf8, 0, utf8.length, targetType);
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
