package io.pipeio.converter;

import java.lang.reflect.Type;

/**
 * The converter used when Jackson is not on the classpath: it converts nothing, and says
 * how to get JSON support. {@code String} and {@code byte[]} never need a converter.
 *
 * @author pipe-io
 */
public class SimplePipeMessageConverter implements PipeMessageConverter {

	private static final String HINT = "; add Jackson 3 (tools.jackson.core:jackson-databind) to the classpath "
			+ "for JSON lines, or define a PipeMessageConverter bean";

	@Override
	public boolean canConvertFrom(Type targetType) {
		return false;
	}

	@Override
	public Object fromLine(byte[] buffer, int offset, int length, Type targetType) {
		throw new PipeMessageConversionException("No converter for lines to " + targetType.getTypeName() + HINT, null);
	}

	@Override
	public byte[] toLine(Object payload) {
		throw new PipeMessageConversionException(
				"No converter for " + payload.getClass().getName() + " to a line" + HINT, null);
	}

}
