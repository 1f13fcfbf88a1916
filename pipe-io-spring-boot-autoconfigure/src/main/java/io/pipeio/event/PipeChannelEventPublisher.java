package io.pipeio.event;

import java.nio.file.Path;

import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerState;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;

/**
 * Turns what channel engines report into {@link PipeChannelEvent application events}.
 *
 * @author pipe-io
 */
public class PipeChannelEventPublisher implements PipeServerListener {

	private final ApplicationEventPublisher publisher;

	/**
	 * Create a publisher.
	 * @param publisher where events go
	 */
	public PipeChannelEventPublisher(ApplicationEventPublisher publisher) {
		Assert.notNull(publisher, "'publisher' must not be null");
		this.publisher = publisher;
	}

	@Override
	public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
			@Nullable Throwable cause) {
		String channel = server.getChannel();
		switch (current) {
			case RUNNING -> this.publisher.publishEvent(new PipeChannelStartedEvent(server, channel));
			case STOPPED -> {
				if (previous != PipeServerState.STOPPED) {
					this.publisher.publishEvent(new PipeChannelStoppedEvent(server, channel));
				}
			}
			case FAILED -> this.publisher.publishEvent(new PipeChannelFailedEvent(server, channel,
					(cause != null) ? cause : new IllegalStateException("Channel '" + channel + "' failed")));
			default -> {
			}
		}
	}

	@Override
	public void onPausedChanged(PipeServer server, boolean paused) {
		this.publisher.publishEvent(paused ? new PipeChannelPausedEvent(server, server.getChannel())
				: new PipeChannelResumedEvent(server, server.getChannel()));
	}

	@Override
	public void onClientPresenceChanged(PipeServer server, boolean connected) {
		this.publisher.publishEvent(connected ? new PipeClientConnectedEvent(server, server.getChannel())
				: new PipeClientDisconnectedEvent(server, server.getChannel()));
	}

	@Override
	public void onPipeRecreated(PipeServer server, Path path) {
		this.publisher.publishEvent(new PipeRecreatedEvent(server, server.getChannel(), path));
	}

}
