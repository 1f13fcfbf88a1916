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

}
