package io.pipeio.core;

import java.nio.file.Path;

import io.pipeio.event.PipeChannelPausedEvent;
import io.pipeio.event.PipeChannelResumedEvent;
import io.pipeio.event.PipeChannelStartedEvent;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.EchoEndpoint;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.RecordingChannelEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

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

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory).withUserConfiguration(RecordingChannelEvents.class);
	}

	@Test
	void aRunningChannelPausesBeforeTheListenerIsAttachedAndItsLinesWaitForTheResume() {
		runner().withPropertyValues("pipe-io.channels.work.charset=UTF-8").run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannel channel = registry.getRequiredChannel("work");
			assertThat(channel.isRunning()).isTrue();
			registry.registerListener(new EchoEndpoint("late", true));
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
		runner().withPropertyValues("pipe-io.channels.work.charset=UTF-8").run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			RecordingChannelEvents events = context.getBean(RecordingChannelEvents.class);
			PipeChannel channel = registry.getRequiredChannel("work");
			registry.registerListener(new EchoEndpoint("first"));
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "work")) {
				client.send("one");
				assertThat(client.receive()).isEqualTo("first one");
				assertThat(registry.unregisterListener("work")).isTrue();
				client.send("two"); // held in the pipe
				events.events().clear();
				registry.registerListener(new EchoEndpoint("second", true));
				assertThat(events.events()).noneMatch(PipeChannelResumedEvent.class::isInstance);
				assertThat(channel.isPaused()).isTrue();
				assertThat(channel.getStatistics().getReceivedMessages()).isEqualTo(1);
				channel.resume();
				assertThat(client.receive()).isEqualTo("second two");
			}
		});
	}

	@Test
	void aChannelDeclaredForTheListenerStartsPaused() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannel channel = registry.registerListener(new EchoEndpoint("fresh", true));
			assertThat(channel.isRunning()).isTrue();
			assertThat(channel.isPaused()).isTrue();
			assertThat(context.getBean(RecordingChannelEvents.class).lifecycle("work"))
				.containsExactly(PipeChannelPausedEvent.class, PipeChannelStartedEvent.class);
		});
	}

}
