package io.pipeio.converter;

import org.jspecify.annotations.Nullable;

/**
 * A line could not be decoded or converted to the listener's parameter type, or a reply
 * could not be converted to a line. Lines failing this way are counted as dropped with
 * reason {@code malformed}.
 *
 * @author pipe-io
 */
public class PipeMessageConversionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message the message
	 * @param cause the cause, if any
	 */
	public PipeMessageConversionException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
