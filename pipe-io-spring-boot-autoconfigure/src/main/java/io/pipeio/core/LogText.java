package io.pipeio.core;

/**
 * Text from the other end of a pipe as it may go into a log: control characters other
 * than tabs are written as {@code \x1b} and the like, so that what a client or plug-in
 * wrote reaches an operator's terminal as text, never as commands to it, and a line break
 * in it cannot forge a log line.
 *
 * @author pipe-io
 */
final class LogText {

	private LogText() {
	}

	/**
	 * @param text the text
	 * @return it with its control characters (C0 but tab, DEL, C1) escaped; itself when
	 * it has none
	 */
	static String escapeControls(String text) {
		StringBuilder escaped = null;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			boolean control = Character.isISOControl(c) && c != '\t';
			if (control && escaped == null) {
				escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
			}
			if (escaped != null) {
				if (control) {
					escaped.append(String.format("\\x%02x", (int) c));
				}
				else {
					escaped.append(c);
				}
			}
		}
		return (escaped != null) ? escaped.toString() : text;
	}

}
