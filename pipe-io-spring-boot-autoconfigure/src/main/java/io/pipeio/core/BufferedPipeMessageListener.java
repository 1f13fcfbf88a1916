package io.pipeio.core;

import org.jspecify.annotations.Nullable;

/**
 * A {@link PipeMessageListener} that reads the line straight from the reader's buffer,
 * saving a copy per line (a {@code String} listener decodes from it directly).
 *
 * @author pipe-io
 */
public interface BufferedPipeMessageListener extends PipeMessageListener {

	/**
	 * Handle one line.
	 * @param buffer the buffer holding the line, valid only during this call
	 * @param offset where the line starts
	 * @param length its length without the newline
	 * @param context the channel
	 * @return the reply, or {@code null}
	 * @throws Exception any failure; it goes to the channel's {@link PipeErrorHandler}
	 */
	@Nullable Object onMessage(byte[] buffer, int offset, int length, PipeChannelContext context) throws Exception;

	/**
	 * Handle one line in an array of its own (a large line), which the listener may keep;
	 * by default the same as the buffered variant over the whole array.
	 */
	@Override
	default @Nullable Object onMessage(byte[] line, PipeChannelContext context) throws Exception {
		return onMessage(line, 0, line.length, context);
	}

	/**
	 * Called after the lines of one chunk read from the pipe were handled (back to back,
	 * with no wait for the pipe between them), before their replies are written. Also
	 * called between two lines of a chunk where the replies so far are handed to the
	 * writer ahead of the chunk's end (such as after each line of a slow listener), as
	 * that may wait for room in the send queue: each call marks the end of lines handled
	 * back to back, so that a listener timing them leaves the wait out. So does a call
	 * that failed, before the channel waits to call again or hands the line to the error
	 * handler, which are not the call's time either. Never called during a call of the
	 * channel's listener. The channel calls it on every listener of its chain, each
	 * decorator included, so a decorator does not forward it. By default, nothing; must
	 * not throw.
	 * @param context the channel
	 */
	default void onChunkEnd(PipeChannelContext context) {
	}

}
