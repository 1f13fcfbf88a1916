package io.pipeio.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * Writes a {@link DeadLetter} as one line of JSON. Written by hand so that dead letters
 * need no JSON library: the fields are few and flat.
 *
 * @author pipe-io
 */
final class DeadLetterJson {

	private DeadLetterJson() {
	}

	/**
	 * Return the JSON object of a dead letter followed by a newline, in UTF-8:
	 * {@code time}, {@code channel}, {@code reason}, {@code size}, {@code attempts},
	 * {@code exception} and {@code message} when there was one, then {@code line} when
	 * the line is text in the channel's charset or {@code lineBase64} when it is not.
	 * @param letter the dead letter
	 * @return the bytes to append to the file
	 */
	static byte[] toJson(DeadLetter letter) {
		StringBuilder json = new StringBuilder(128 + ((letter.line() != null) ? letter.line().length * 2 : 0));
		json.append("{\"time\":");
		string(json, letter.time().toString());
		json.append(",\"channel\":");
		string(json, letter.channel());
		json.append(",\"reason\":");
		string(json, letter.reason().tag());
		json.append(",\"size\":").append(letter.size());
		json.append(",\"attempts\":").append(letter.attempts());
		Throwable cause = letter.cause();
		if (cause != null) {
			json.append(",\"exception\":");
			string(json, cause.getClass().getName());
			if (cause.getMessage() != null) {
				json.append(",\"message\":");
				string(json, cause.getMessage());
			}
		}
		byte[] line = letter.line();
		if (line != null) {
			String text = decode(letter, line);
			if (text != null) {
				json.append(",\"line\":");
				string(json, text);
			}
			else {
				json.append(",\"lineBase64\":");
				string(json, Base64.getEncoder().encodeToString(line));
			}
		}
		json.append("}\n");
		return json.toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * @return the line as text, or {@code null} if it is not valid in the channel's
	 * charset
	 */
	private static @Nullable String decode(DeadLetter letter, byte[] line) {
		try {
			return letter.charset()
				.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(line))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	private static void string(StringBuilder json, String value) {
		json.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20 || c == 0x2028 || c == 0x2029
							|| Character.isSurrogate(c) && !validSurrogate(value, i)) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

	/** A lone surrogate would not survive UTF-8: it is escaped, a pair is kept. */
	private static boolean validSurrogate(String value, int i) {
		char c = value.charAt(i);
		if (Character.isHighSurrogate(c)) {
			return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
		}
		return i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
	}

}
