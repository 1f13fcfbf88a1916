package io.pipeio.testsupport;

import io.pipeio.core.PipeChannelContext;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.core.PipeListenerEndpoint;
import io.pipeio.core.PipeMessageListener;
import org.jspecify.annotations.Nullable;

/**
 * A listener endpoint of a channel with the given listener, taking lines as soon as it is
 * attached.
 *
 * @param channel the channel name
 * @param listener the listener
 */
public record ListenerEndpoint(String channel, PipeMessageListener listener) implements PipeListenerEndpoint {

	@Override
	public String getChannel() {
		return this.channel;
	}

	@Override
	public String getDescription() {
		return "test listener of channel '" + this.channel + "'";
	}

	@Override
	public @Nullable PipeErrorHandler getErrorHandler() {
		return null;
	}

	@Override
	public PipeMessageListener createListener(PipeChannelContext context) {
		return this.listener;
	}

}
