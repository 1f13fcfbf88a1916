package io.pipeio.core;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;

/**
 * Text lines encoded with a channel's charset, strictly: {@link String#getBytes(Charset)}
 * writes '?' for what a charset cannot encode, which would alter a line without a word,
 * while incoming lines are decoded strictly.
 *
 * @author pipe-io
 */
final class LineEncoding {

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
		byte[] bytes = text.getBytes(charset);
		// What the charset cannot encode becomes its replacement, '?': only a line with
		// more of them than its text had was altered. Most lines have none.
		long replaced = questionMarks(bytes);
		if (replaced > 0 && replaced != text.chars().filter((c) -> c == '?').count()) {
			try {
				charset.newEncoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.encode(CharBuffer.wrap(text));
			}
			catch (CharacterCodingException ex) {
				throw new IllegalArgumentException(
						"A line for channel '" + channel + "' cannot be written in its" + " charset " + charset + " ("
								+ ex + "): choose a charset that has every character, such" + " as UTF-8",
						ex);
			}
		}
		return bytes;
	}

	private static long questionMarks(byte[] bytes) {
		long count = 0;
		for (byte b : bytes) {
			if (b == '?') {
				count++;
			}
		}
		return count;
	}

}
