package io.pipeio.core;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pipeio.event.PipeChannelEvent;
import io.pipeio.event.PipeChannelPausedEvent;
import io.pipeio.event.PipeChannelResumedEvent;
import io.pipeio.event.PipeChannelStartedEvent;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listener whose endpoint is paused on attach is given no line until its channel is
 * resumed: the channel pauses before the listener is attached, stays paused if it held
 * its lines for the next listener, and starts paused if it starts with the listener.
 */
@Timeout(60)
class PipeListenerPausedOnAttachTests {

	@TempDir
	Path directory;

	@Test
	void aRunningChannelPausesBeforeTheListenerIsAttachedAndItsLinesWaitForTheResume() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(ChannelEvents.class)
			.withPropertyValues("pipe-io.channels.work.charset=UTF-8")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannel channel = registry.getRequiredChannel("work");
				assertThat(channel.isRunning()).isTrue();
				registry.registerListener(new Echo("late", true));
				assertThat(channel.isPaused()).isTrue();
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "work")) {
					client.send("one");
					channel.resume();
					assertThat(client.receive()).isEqualTo("late one");
				}
			});
	}

	@Test
	void aChannelHoldingItsLinesForTheNextListenerIsNotResumedForOneThatIsNotReady() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(ChannelEvents.class)
			.withPropertyValues("pipe-io.channels.work.charset=UTF-8")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				List<PipeChannelEvent> events = context.getBean(ChannelEvents.class).events;
				PipeChannel channel = registry.getRequiredChannel("work");
				registry.registerListener(new Echo("first", false));
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "work")) {
					client.send("one");
					assertThat(client.receive()).isEqualTo("first one");
					assertThat(registry.unregisterListener("work")).isTrue();
					client.send("two"); // held in the pipe
					events.clear();
					registry.registerListener(new Echo("second", true));
					assertThat(events).noneMatch(PipeChannelResumedEvent.class::isInstance);
					assertThat(channel.isPaused()).isTrue();
					assertThat(channel.getStatistics().getReceivedMessages()).isEqualTo(1);
					channel.resume();
					assertThat(client.receive()).isEqualTo("second two");
				}
			});
	}

	@Test
	void aChannelDeclaredForTheListenerStartsPaused() {
		PipeIoContextRunners.withDirectory(this.directory).withUserConfiguration(ChannelEvents.class).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			List<PipeChannelEvent> events = context.getBean(ChannelEvents.class).events;
			PipeChannel channel = registry.registerListener(new Echo("fresh", true));
			assertThat(channel.isRunning()).isTrue();
			assertThat(channel.isPaused()).isTrue();
			assertThat(events.stream()
				.<Class<?>>map(Object::getClass)
				.filter((type) -> type == PipeChannelPausedEvent.class || type == PipeChannelStartedEvent.class
						|| type == PipeChannelResumedEvent.class))
				.containsExactly(PipeChannelPausedEvent.class, PipeChannelStartedEvent.class);
		});
	}

	/** Records the channel events, in order. */
	@Configuration(proxyBeanMethods = false)
	static class ChannelEvents {

		final List<PipeChannelEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void record(PipeChannelEvent event) {
			this.events.add(event);
		}

	}

	private record Echo(String name, boolean pausedOnAttach) implements PipeListenerEndpoint {

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
			return (line, context) -> this.name + " " + new String(line, channel.getCharset());
		}

		@Override
		public boolean isPausedOnAttach() {
			return this.pausedOnAttach;
		}

	}

}
