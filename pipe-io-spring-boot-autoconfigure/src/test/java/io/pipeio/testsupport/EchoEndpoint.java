package io.pipeio.testsupport;

import io.pipeio.core.PipeChannelContext;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.core.PipeListenerEndpoint;
import io.pipeio.core.PipeMessageListener;
import org.jspecify.annotations.Nullable;

/**
 * A listener endpoint for channel {@code work} that answers each line with its own name,
 * a space and the line, so a test can tell which of several listeners answered; an empty
 * line fails with an {@link IllegalArgumentException}.
 *
 * @param name the listener's name
 * @param pausedOnAttach what {@link #isPausedOnAttach()} says
 */
public record EchoEndpoint(String name, boolean pausedOnAttach) implements PipeListenerEndpoint {

	/**
	 * An endpoint whose listener takes lines as soon as it is attached.
	 * @param name the listener's name
	 */
	public EchoEndpoint(String name) {
		this(name, false);
	}

	@Override
	public String getChannel() {
		return "work";
	}

	@Override
	public String getDescription() {
		return "listener " + this.name;
	}

	@Override
	public @Nullable PipeErrorHandler getErrorHandler() {
		return null;
	}

	@Override
	public PipeMessageListener createListener(PipeChannelContext channel) {
		return (line, context) -> {
			if (line.length == 0) {
				throw new IllegalArgumentException("An empty line");
			}
			return this.name + " " + new String(line, channel.getCharset());
		};
	}

	@Override
	public boolean isPausedOnAttach() {
		return this.pausedOnAttach;
	}

}
