package io.pipeio.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.pipeio.converter.PipeMessageConversionException;

/**
 * Text lines encoded with a channel's charset, strictly: {@link String#getBytes(Charset)}
 * writes '?' for what a charset cannot encode, which would alter a line without a word,
 * while incoming lines are decoded strictly (listeners' lines, and the answers of
 * requests here).
 *
 * @author pipe-io
 */
final class LineEncoding {

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	private static final long QUESTION_MARKS = 0x3F3F3F3F3F3F3F3FL;

	private static final long LOW_SEVEN_BITS = 0x7F7F7F7F7F7F7F7FL;

	/** What lenient decoding puts in place of bytes that are not valid. */
	private static final char REPLACEMENT = '\uFFFD';

	/** Whether a charset other than the standard ones replaces with '?'. */
	private static final Map<Charset, Boolean> QUESTION_MARK_REPLACEMENT = new ConcurrentHashMap<>();

	private LineEncoding() {
	}

	/**
	 * Encode a text line.
	 * @param text the text
	 * @param charset the channel's charset
	 * @param channel the channel, for the message
	 * @return its bytes
	 * @throws IllegalArgumentException if the charset cannot encode it
	 */
	static byte[] encode(String text, Charset charset, String channel) {
		if (!replacesWithQuestionMark(charset)) {
			// Its replacement is not '?' (ISO-2022-JP writes a full-width one): the
			// count below would not see it, so every line is encoded strictly.
			return encodeStrictly(text, charset, channel);
		}
		byte[] bytes = text.getBytes(charset);
		// What the charset cannot encode becomes its replacement, '?': only a line with
		// more of them than its text had was altered. Most lines have none.
		int replaced = questionMarks(bytes);
		if (replaced > 0 && replaced != questionMarks(text)) {
			encodeStrictly(text, charset, channel);
		}
		return bytes;
	}

	private static byte[] encodeStrictly(String text, Charset charset, String channel) {
		try {
			ByteBuffer encoded = charset.newEncoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.encode(CharBuffer.wrap(text));
			byte[] bytes = new byte[encoded.remaining()];
			encoded.get(bytes);
			return bytes;
		}
		catch (CharacterCodingException ex) {
			throw new IllegalArgumentException(
					"A line for channel '" + channel + "' cannot be written in its" + " charset " + charset + " (" + ex
							+ "): choose a charset that has every character, such" + " as UTF-8",
					ex);
		}
	}

	/**
	 * Tell whether {@link String#getBytes(Charset)} writes what the charset cannot encode
	 * as the single byte '?', as the JDK's standard charsets and most others do.
	 * @param charset the charset
	 * @return whether counting '?' finds what it replaced
	 */
	private static boolean replacesWithQuestionMark(Charset charset) {
		if (charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.ISO_8859_1)
				|| charset.equals(StandardCharsets.US_ASCII)) {
			return true;
		}
		return QUESTION_MARK_REPLACEMENT.computeIfAbsent(charset,
				(key) -> key.canEncode() && Arrays.equals(key.newEncoder().replacement(), new byte[] { '?' }));
	}

	/**
	 * Decode a text line strictly.
	 * @param line the line
	 * @param charset the channel's charset
	 * @param channel the channel, for the message
	 * @return its text
	 * @throws PipeMessageConversionException if it is not valid in the charset
	 */
	static String decode(byte[] line, Charset charset, String channel) {
		// The JDK's own decoding of these replaces what is not valid with U+FFFD: a
		// string without one is what the strict decoder returns. Most lines have none.
		if (charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.US_ASCII)
				|| charset.equals(StandardCharsets.ISO_8859_1)) {
			String text = new String(line, charset);
			if (text.indexOf(REPLACEMENT) < 0) {
				return text;
			}
		}
		try {
			return charset.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(line))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new PipeMessageConversionException(
					"A line on channel '" + channel + "' is not valid " + charset.name() + " (" + ex + ")", ex);
		}
	}

	/**
	 * Count the question marks of an encoded line. Every reply of a text listener passes
	 * here, so eight bytes are looked at a time: a byte loop that counts is not
	 * vectorized by the JIT, and had about 6 % of a profile of a {@code String} echo
	 * server.
	 * @param bytes the line
	 * @return how many of its bytes are '?'
	 */
	static int questionMarks(byte[] bytes) {
		int count = 0;
		int i = 0;
		for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
			long word = (long) LONGS.get(bytes, i) ^ QUESTION_MARKS;
			// A byte of the word is zero where a '?' was. Adding 0x7F to its low bits
			// sets its high bit unless they are all zero, and cannot carry into the
			// next byte: so the complement has 0x80 exactly in each zero byte.
			long zeros = ~(((word & LOW_SEVEN_BITS) + LOW_SEVEN_BITS) | word | LOW_SEVEN_BITS);
			count += Long.bitCount(zeros);
		}
		for (; i < bytes.length; i++) {
			if (bytes[i] == '?') {
				count++;
			}
		}
		return count;
	}

	private static int questionMarks(String text) {
		int count = 0;
		for (int i = text.indexOf('?'); i >= 0; i = text.indexOf('?', i + 1)) {
			count++;
		}
		return count;
	}

}
