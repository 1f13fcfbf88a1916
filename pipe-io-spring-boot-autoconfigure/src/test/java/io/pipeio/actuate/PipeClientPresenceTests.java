package io.pipeio.actuate;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.pipeio.annotation.PipeListener;
import io.pipeio.core.PipeListenerFailedException;
import io.pipeio.event.PipeChannelEvent;
import io.pipeio.event.PipeClientConnectedEvent;
import io.pipeio.event.PipeClientDisconnectedEvent;
import io.pipeio.server.DropReason;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.RecordingErrorHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A host learns when its client (such as a plug-in) comes and goes: events, the
 * {@code pipeio.clients.connected} gauge, and the partial line of a client that left
 * mid-line handed to the error handler.
 */
@Timeout(60)
class PipeClientPresenceTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withMetrics(this.directory).withUserConfiguration(Listeners.class);
	}

	@Test
	void clientComingAndGoingIsPublishedAndMeasured() {
		runner().run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			Path in = this.directory.resolve("plugin.in");
			try (FileChannel client = FileChannel.open(in, StandardOpenOption.WRITE)) {
				client.write(ByteBuffer.wrap("hello\nhalf a li".getBytes(StandardCharsets.UTF_8)));
				await().until(() -> connected(meters) == 1);
				assertThat(listeners.events).singleElement().isInstanceOf(PipeClientConnectedEvent.class);
			}
			await().until(() -> connected(meters) == 0);
			await().until(() -> listeners.events.size() == 2);
			assertThat(listeners.events.get(1)).isInstanceOf(PipeClientDisconnectedEvent.class);
			assertThat(listeners.events.get(1).getChannel()).isEqualTo("plugin");
			assertThat(listeners.lines).containsExactly("hello");
			RecordingErrorHandler errors = context.getBean(RecordingErrorHandler.class);
			PipeListenerFailedException failure = errors.next();
			assertThat(failure.getReason()).isEqualTo(DropReason.INCOMPLETE);
			assertThat(new String(failure.getLine(), StandardCharsets.UTF_8)).isEqualTo("half a li");
			assertThat(meters.get("pipeio.messages.dropped")
				.tags("channel", "plugin", "reason", "incomplete")
				.functionCounter()
				.count()).isEqualTo(1);
		});
	}

	private static double connected(MeterRegistry meters) {
		return meters.get("pipeio.clients.connected").tag("channel", "plugin").gauge().value();
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners implements ApplicationListener<PipeChannelEvent> {

		final List<PipeChannelEvent> events = new CopyOnWriteArrayList<>();

		final List<String> lines = new CopyOnWriteArrayList<>();

		@Bean
		RecordingErrorHandler recordingErrorHandler() {
			return new RecordingErrorHandler();
		}

		@PipeListener("plugin")
		void plugin(String line) {
			this.lines.add(line);
		}

		@Override
		public void onApplicationEvent(PipeChannelEvent event) {
			if (event instanceof PipeClientConnectedEvent || event instanceof PipeClientDisconnectedEvent) {
				this.events.add(event);
			}
		}

	}

}
