package io.pipeio.core;

/**
 * Wraps every listener attached to a channel, for cross-cutting work around each call
 * such as timing or tracing. Decorators are applied in order, the first one outermost.
 *
 * @author pipe-io
 */
@FunctionalInterface
public interface PipeMessageListenerDecorator {

	/**
	 * Decorate a listener.
	 * @param channel the channel name
	 * @param listener the listener (possibly already decorated)
	 * @return the listener to use instead
	 */
	BufferedPipeMessageListener decorate(String channel, BufferedPipeMessageListener listener);

}
