package io.pipeio.core;

import org.jspecify.annotations.Nullable;

/**
 * Handles a line a listener could not handle. The line is already counted as dropped; the
 * channel goes on with the next line whatever this does. Replace the default
 * ({@link LoggingPipeErrorHandler}) with a bean, or per listener with
 * {@code @PipeListener(errorHandler = "beanName")}.
 *
 * @author pipe-io
 */
@FunctionalInterface
public interface PipeErrorHandler {

	/**
	 * Handle a failure.
	 * @param exception the failure, with the channel, the reason and the line (no bytes
	 * for a line over the max message size, {@code too-large}, which is skipped unread)
	 * @param context the channel
	 * @return a reply to write instead (for example an error line the client waits for),
	 * or {@code null} for none; not written where nobody waits for it: for a line its
	 * client left incomplete ({@code incomplete}), as that client is gone and the next
	 * would take it for its own answer, nor for an answer to a request that had timed out
	 * ({@code late-answer}), as the other end would take it for a request
	 */
	@Nullable Object handleError(PipeListenerFailedException exception, PipeChannelContext context);

}
