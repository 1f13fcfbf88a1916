package io.pipeio.listener;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

	private static final long HIGH_BITS = 0x8080808080808080L;

	private final Charset charset;

	private final CharsetDecoder decoder;

	private final boolean asciiCompatible;

	private CharBuffer chars = CharBuffer.allocate(256);

	LineDecoder(Charset charset) {
		this.charset = charset;
		this.decoder = charset.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		this.asciiCompatible = charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.US_ASCII)
				|| charset.equals(StandardCharsets.ISO_8859_1);
	}

	String decode(byte[] buffer, int offset, int length) {
		if (this.asciiCompatible && isAscii(buffer, offset, length)) {
			// Plain ASCII is valid in all three: the JDK's intrinsic path, no decoder
			// needed.
			return new String(buffer, offset, length, StandardCharsets.ISO_8859_1);
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

	/**
	 * Looks at eight bytes at a time (an ASCII byte has its high bit clear), several
	 * times faster than a loop over single bytes for a typical line.
	 */
	private static boolean isAscii(byte[] buffer, int offset, int length) {
		int end = offset + length;
		int i = offset;
		for (; i + Long.BYTES <= end; i += Long.BYTES) {
			if (((long) LONGS.get(buffer, i) & HIGH_BITS) != 0) {
				return false;
			}
		}
		for (; i < end; i++) {
			if (buffer[i] < 0) {
				return false;
			}
		}
		return true;
	}

}
