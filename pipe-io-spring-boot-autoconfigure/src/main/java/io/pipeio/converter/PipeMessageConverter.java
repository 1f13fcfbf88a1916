package io.pipeio.converter;

import java.lang.reflect.Type;
import java.nio.charset.Charset;

/**
 * Converts between the bytes of a line and objects, for listener parameters and return
 * values that are neither {@code String} nor {@code byte[]}, and for
 * {@code PipeTemplate.convertAndSend}.
 *
 * @author pipe-io
 */
public interface PipeMessageConverter {

	/**
	 * Return whether lines can be converted to the given type.
	 * @param targetType the type
	 * @return whether {@link #fromLine} supports it
	 */
	boolean canConvertFrom(Type targetType);

	/**
	 * Return whether objects of the given type can be turned into lines: asked when a
	 * listener is registered, for the type it returns, so that one whose replies could
	 * never be sent fails startup rather than every reply.
	 * @param sourceType the type
	 * @return whether {@link #toLine} supports it; by default what
	 * {@link #canConvertFrom} says of the type
	 */
	default boolean canConvertTo(Type sourceType) {
		return canConvertFrom(sourceType);
	}

	/**
	 * Convert a line to an object.
	 * @param buffer the buffer holding the line
	 * @param offset where it starts
	 * @param length its length
	 * @param targetType the type to create
	 * @return the object
	 * @throws PipeMessageConversionException if the line cannot be converted
	 */
	Object fromLine(byte[] buffer, int offset, int length, Type targetType);

	/**
	 * Convert an object to a single line (without newline).
	 * @param payload the object
	 * @return the line's bytes, containing no {@code '\n'}
	 * @throws PipeMessageConversionException if the object cannot be converted
	 */
	byte[] toLine(Object payload);

	/**
	 * Convert a line of a channel with the given charset to an object. By default, as
	 * {@link #fromLine(byte[], int, int, Type)}: the charset is the converter's business.
	 * @param buffer the buffer holding the line
	 * @param offset where it starts
	 * @param length its length
	 * @param targetType the type to create
	 * @param charset the channel's charset
	 * @return the object
	 * @throws PipeMessageConversionException if the line cannot be converted
	 */
	default Object fromLine(byte[] buffer, int offset, int length, Type targetType, Charset charset) {
		return fromLine(buffer, offset, length, targetType);
	}

	/**
	 * Convert an object to a single line for a channel with the given charset. By
	 * default, as {@link #toLine(Object)}.
	 * @param payload the object
	 * @param charset the channel's charset
	 * @return the line's bytes, containing no {@code '\n'}
	 * @throws PipeMessageConversionException if the object cannot be converted
	 */
	default byte[] toLine(Object payload, Charset charset) {
		return toLine(payload);
	}

}
