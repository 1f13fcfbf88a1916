package io.pipeio.core;

import java.nio.charset.Charset;

/**
 * The channel a line came from, given to a listener that wants it (as the second
 * parameter of a {@code @PipeListener} method).
 *
 * @author pipe-io
 */
public interface PipeChannelContext {

	/**
	 * @return the channel name
	 */
	String getName();

	/**
	 * @return the charset of the channel's text lines
	 */
	Charset getCharset();

	/**
	 * Write a line to the channel's out pipe now, outside the order of returned replies.
	 * Made while the listener handles a line, it is a reply of that line (with
	 * {@code overflow=block} it waits for room however long); made later, from a context
	 * the listener kept, it is a plain send, which waits at most {@code send-timeout}.
	 * @param line the line, without newline
	 */
	void reply(byte[] line);

	/**
	 * Write a text line, encoded with the channel charset, to the channel's out pipe now.
	 * @param line the line, without newline
	 */
	void reply(String line);

}
