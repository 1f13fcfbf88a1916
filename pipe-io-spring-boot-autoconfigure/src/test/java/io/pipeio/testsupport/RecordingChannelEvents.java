package io.pipeio.testsupport;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pipeio.event.PipeChannelEvent;
import io.pipeio.event.PipeChannelPausedEvent;
import io.pipeio.event.PipeChannelResumedEvent;
import io.pipeio.event.PipeChannelStartedEvent;
import io.pipeio.event.PipeChannelStoppedEvent;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * A configuration that records every channel event the context publishes, in order, for
 * tests that check what happened to a channel and when.
 */
@Configuration(proxyBeanMethods = false)
public class RecordingChannelEvents {

	private static final Set<Class<?>> LIFECYCLE = Set.of(PipeChannelStartedEvent.class, PipeChannelPausedEvent.class,
			PipeChannelResumedEvent.class, PipeChannelStoppedEvent.class);

	private final List<PipeChannelEvent> events = new CopyOnWriteArrayList<>();

	@EventListener
	void record(PipeChannelEvent event) {
		this.events.add(event);
	}

	/**
	 * @return the events so far, live (a test may clear it to look at what follows)
	 */
	public List<PipeChannelEvent> events() {
		return this.events;
	}

	/**
	 * @param channel the channel
	 * @return the types of the channel's lifecycle events so far (started, paused,
	 * resumed, stopped), in order
	 */
	public List<Class<?>> lifecycle(String channel) {
		return this.events.stream()
			.filter((event) -> event.getChannel().equals(channel))
			.<Class<?>>map(Object::getClass)
			.filter(LIFECYCLE::contains)
			.toList();
	}

}
