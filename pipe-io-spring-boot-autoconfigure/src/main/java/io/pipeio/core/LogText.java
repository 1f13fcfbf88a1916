package io.pipeio.core;

/**
 * Text from the other end of a pipe as it may go into a log: control characters other
 * than tabs are written as {@code \x1b} and the like, so that what a client or plug-in
 * wrote reaches an operator's terminal as text, never as commands to it, and a line break
 * in it cannot forge a log line. Unicode's line and paragraph separators (line breaks to
 * many log viewers) and its bidirectional controls (which reorder what a reader sees
 * after them) are written as {@code \u2028} and the like, for the same reasons.
 *
 * @author pipe-io
 */
final class LogText {

	private LogText() {
	}

	/**
	 * @param text the text
	 * @return it with its control characters (C0 but tab, DEL, C1), line and paragraph
	 * separators and bidirectional controls escaped; itself when it has none
	 */
	static String escapeControls(String text) {
		StringBuilder escaped = null;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			boolean control = Character.isISOControl(c) && c != '\t';
			boolean unicodeControl = !control && isSeparatorOrBidiControl(c);
			if ((control || unicodeControl) && escaped == null) {
				escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
			}
			if (escaped != null) {
				if (control) {
					escaped.append(String.format("\\x%02x", (int) c));
				}
				else if (unicodeControl) {
					escaped.append(String.format("\\u%04x", (int) c));
				}
				else {
					escaped.append(c);
				}
			}
		}
		return (escaped != null) ? escaped.toString() : text;
	}

	private static boolean isSeparatorOrBidiControl(char c) {
		return c == '\u2028' || c == '\u2029' || c == '\u061c' || c == '\u200e' || c == '\u200f'
				|| (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
	}

}
