package io.pipeio.core;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Gives a plain {@link PipeMessageListener} a copy of each line, or the line itself when
 * it is already owned (a line assembled into an array of its own), so a large line is not
 * copied again.
 *
 * @param listener the listener
 * @author pipe-io
 */
record CopyingPipeMessageListener(PipeMessageListener listener) implements BufferedPipeMessageListener {

	@Override
	public @Nullable Object onMessage(byte[] buffer, int offset, int length, PipeChannelContext context)
			throws Exception {
		return this.listener.onMessage(Arrays.copyOfRange(buffer, offset, offset + length), context);
	}

	@Override
	public @Nullable Object onMessage(byte[] line, PipeChannelContext context) throws Exception {
		return this.listener.onMessage(line, context);
	}

	@Override
	public String toString() {
		return this.listener.toString();
	}

}
