package io.pipeio.converter;

import java.lang.reflect.Type;
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
