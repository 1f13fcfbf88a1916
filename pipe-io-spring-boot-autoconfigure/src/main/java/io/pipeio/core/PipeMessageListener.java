package io.pipeio.core;

import org.jspecify.annotations.Nullable;

/**
 * Receives the lines of one channel and may return a reply. This is what
 * {@link PipeChannelRegistry#register} takes for channels added at runtime;
 * {@code @PipeListener} methods are adapted to it.
 * <p>
 * The reply is written as one line to the channel's out pipe: {@code null} means no
 * reply; a {@code byte[]} is written as is; a {@code String} is encoded with the channel
 * charset; a {@link java.util.concurrent.CompletionStage} replies when it completes,
 * keeping the order of the requests; anything else is converted (JSON by default).
 *
 * @author pipe-io
 */
@FunctionalInterface
public interface PipeMessageListener {

	/**
	 * Handle one line.
	 * @param line the line without its newline; owned by the listener
	 * @param context the channel
	 * @return the reply, or {@code null}
	 * @throws Exception any failure; it goes to the channel's {@link PipeErrorHandler}
	 */
	@Nullable Object onMessage(byte[] line, PipeChannelContext context) throws Exception;

}
