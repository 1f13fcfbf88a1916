package io.pipeio.listener;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.pipeio.converter.PipeMessageConversionException;

/**
 * Decodes lines to strings strictly: malformed or unmappable input is an error, never
 * silently replaced. Not thread-safe; a channel's lines are dispatched one at a time.
 *
 * @author pipe-io
 */
final class LineDecoder {

	/** What the JDK's lenient decoding puts in place of bytes that are not valid. */
	private static final char REPLACEMENT = '\uFFFD';

	private final Charset charset;

	private final CharsetDecoder decoder;

	/** Whether the JDK decodes the charset itself and replaces bad input with U+FFFD. */
	private final boolean standard;

	private CharBuffer chars = CharBuffer.allocate(256);

	LineDecoder(Charset charset) {
		this.charset = charset;
		this.decoder = charset.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		this.standard = charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.US_ASCII)
				|| charset.equals(StandardCharsets.ISO_8859_1);
	}

	String decode(byte[] buffer, int offset, int length) {
		if (this.standard) {
			// The JDK's own decoding: plain ASCII is found with an intrinsic and copied
			// as is. It replaces what is not valid with U+FFFD, so a string without one
			// is exactly what the strict decoder returns; one with it (from the input or
			// a replacement) is decoded again strictly to tell which.
			String text = new String(buffer, offset, length, this.charset);
			if (text.indexOf(REPLACEMENT) < 0) {
				return text;
			}
		}
		int capacity = (int) Math.ceil(length * (double) this.decoder.maxCharsPerByte());
		if (this.chars.capacity() < capacity) {
			this.chars = CharBuffer.allocate(capacity);
		}
		this.chars.clear();
		this.decoder.reset();
		try {
			ByteBuffer in = ByteBuffer.wrap(buffer, offset, length);
			throwIfError(this.decoder.decode(in, this.chars, true));
			throwIfError(this.decoder.flush(this.chars));
		}
		catch (CharacterCodingException ex) {
			throw new PipeMessageConversionException(
					"Line is not valid " + this.charset.name() + " (" + ex.getMessage() + ")", ex);
		}
		return this.chars.flip().toString();
	}

	private static void throwIfError(java.nio.charset.CoderResult result) throws CharacterCodingException {
		if (result.isError()) {
			result.throwException();
		}
	}

}
