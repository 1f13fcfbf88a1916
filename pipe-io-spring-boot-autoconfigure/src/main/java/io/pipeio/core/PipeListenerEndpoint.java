package io.pipeio.core;

import org.jspecify.annotations.Nullable;

/**
 * A listener to attach to a channel, as described by a {@code @PipeListener} method or
 * built by hand: which channel, how to create the listener once the channel exists, and
 * its error handler.
 *
 * @author pipe-io
 */
public interface PipeListenerEndpoint {

	/**
	 * @return the channel name
	 */
	String getChannel();

	/**
	 * @return a description for messages, such as the method signature
	 */
	String getDescription();

	/**
	 * @return the error handler of this listener, or {@code null} for the channel default
	 */
	@Nullable PipeErrorHandler getErrorHandler();

	/**
	 * Create the listener for the channel it is attached to.
	 * @param channel the channel (its charset and name)
	 * @return the listener
	 */
	PipeMessageListener createListener(PipeChannelContext channel);

	/**
	 * Whether the channel is to give this listener no line until it is resumed, for a
	 * listener whose owner starts later than it attaches (an integration adapter that
	 * does not start with the application). The channel is then paused before the
	 * listener is attached, or, if it was holding its lines for the next listener, stays
	 * paused, and a channel that starts with the listener starts paused; the owner
	 * resumes it when it starts. Pausing after the attach instead would leave a moment in
	 * which a line could be taken from the pipe for a listener that is not ready. By
	 * default, the listener takes lines at once.
	 * @return whether the channel stays paused until resumed
	 */
	default boolean isPausedOnAttach() {
		return false;
	}

	/**
	 * Whether the listener takes lines now. One whose owner starts and stops apart from
	 * its channel (an integration adapter) keeps the channel paused while it is stopped
	 * and resumes it when it starts; a resume by an operator meanwhile
	 * ({@link PipeChannelRegistry#resume(String)}, the {@code pipeio} endpoint) ends the
	 * operator's own pause only, and the channel reads again once the owner starts: read
	 * before, a line would wait in memory for that start rather than in the pipe. By
	 * default, the listener always takes lines.
	 * @return whether the listener takes lines now
	 */
	default boolean isAcceptingLines() {
		return true;
	}

}
