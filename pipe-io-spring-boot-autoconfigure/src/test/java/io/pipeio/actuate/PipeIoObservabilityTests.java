package io.pipeio.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipeio.annotation.PipeListener;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.event.PipeChannelEvent;
import io.pipeio.event.PipeChannelFailedEvent;
import io.pipeio.event.PipeChannelPausedEvent;
import io.pipeio.event.PipeChannelResumedEvent;
import io.pipeio.event.PipeChannelStartedEvent;
import io.pipeio.event.PipeChannelStoppedEvent;
import io.pipeio.event.PipeRecreatedEvent;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.ChannelHealth;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Health, metrics, events and the endpoint observed through real FIFOs.
 */
@Timeout(60)
class PipeIoObservabilityTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withActuator(this.directory)
			.withUserConfiguration(Listeners.class)
			.withPropertyValues("pipe-io.channels.echo.max-message-size=16B", "pipe-io.channels.idle.auto-startup=true",
					"management.endpoints.web.exposure.include=pipeio");
	}

	@Test
	void countersFollowTheLines() {
		runner().run((context) -> {
			assertThat(PipeTestClient.request(this.directory, "echo", "hello")).isEqualTo("hello");
			send(this.directory.resolve("echo.in"), "x".repeat(40));
			send(this.directory.resolve("echo.in"), "fail");
			assertThat(PipeTestClient.request(this.directory, "echo", "again")).isEqualTo("again");
			send(this.directory.resolve("idle.in"), "nobody listens");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().untilAsserted(() -> {
				assertThat(count(meters, "pipeio.messages.received", "echo")).isEqualTo(3);
				assertThat(count(meters, "pipeio.messages.sent", "echo")).isEqualTo(2);
				assertThat(count(meters, "pipeio.bytes.received", "echo")).isEqualTo(5 + 4 + 5);
				assertThat(dropped(meters, "echo", "too-large")).isEqualTo(1);
				assertThat(dropped(meters, "echo", "handler-error")).isEqualTo(1);
				assertThat(dropped(meters, "idle", "no-listener")).isEqualTo(1);
			});
			// A reason's counter exists from its first drop on: none for reasons not
			// seen.
			assertThat(meters.find("pipeio.messages.dropped").tag("channel", "echo").meters())
				.extracting((meter) -> meter.getId().getTag("reason"))
				.containsExactlyInAnyOrder("too-large", "handler-error");
			assertThat(meters.find("pipeio.messages.dropped").tag("channel", "idle").meters())
				.extracting((meter) -> meter.getId().getTag("reason"))
				.containsExactly("no-listener");
			// No retries, no dead-letter file: no counters of them.
			for (String name : List.of("pipeio.messages.retried", "pipeio.messages.dead-lettered",
					"pipeio.dead-letter.failures")) {
				assertThat(meters.find(name).tag("channel", "echo").meters()).as(name).isEmpty();
			}
			assertThat(meters.get("pipeio.bytes.sent").tag("channel", "echo").functionCounter().getId().getBaseUnit())
				.isEqualTo("bytes");
			assertThat(meters.get("pipeio.send.queue.size").tag("channel", "echo").gauge().value()).isZero();
			FunctionTimer success = meters.get("pipeio.listener")
				.tags("channel", "echo", "outcome", "success", "exception", "none")
				.functionTimer();
			FunctionTimer error = meters.get("pipeio.listener")
				.tags("channel", "echo", "outcome", "error", "exception", "IllegalStateException")
				.functionTimer();
			// A chunk's calls are recorded when the chunk ends, which may be after its
			// last reply left.
			await().until(() -> success.count() == 2);
			assertThat(success.totalTime(TimeUnit.NANOSECONDS)).isPositive();
			assertThat(error.count()).isEqualTo(1);
			assertThat(error.totalTime(TimeUnit.NANOSECONDS)).isPositive();
		});
	}

	@Test
	void healthIsUpWhilePausedOrStoppedAndDownWhenFailed() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			assertThat(ChannelHealth.of(context, "echo").getStatus()).isEqualTo(Status.UP);
			assertThat(ChannelHealth.of(context, "echo").getDetails()).containsEntry("state", "RUNNING")
				.containsEntry("inPipe", this.directory.resolve("echo.in").toString())
				.containsKeys("received", "sent", "dropped", "sendQueueSize");
			registry.pause("echo");
			assertThat(ChannelHealth.of(context, "echo").getStatus()).isEqualTo(Status.UP);
			assertThat(ChannelHealth.of(context, "echo").getDetails()).containsEntry("state", "PAUSED");
			registry.resume("echo");
			registry.stop("echo");
			assertThat(ChannelHealth.of(context, "echo").getStatus()).isEqualTo(Status.UP);
			assertThat(ChannelHealth.of(context, "echo").getDetails()).containsEntry("state", "STOPPED");
			registry.start("echo");
			// A regular file where the in pipe was: the channel cannot re-create it and
			// must say so.
			Path in = this.directory.resolve("echo.in");
			Files.delete(in);
			Files.writeString(in, "not a pipe");
			await()
				.untilAsserted(() -> assertThat(ChannelHealth.of(context, "echo").getStatus()).isEqualTo(Status.DOWN));
			assertThat(ChannelHealth.of(context, "echo").getDetails().get("reason").toString()).contains(in.toString())
				.contains("regular file");
			assertThat(Files.readString(in)).isEqualTo("not a pipe");
			Files.delete(in);
			await().untilAsserted(() -> assertThat(ChannelHealth.of(context, "echo").getStatus()).isEqualTo(Status.UP));
			assertThat(PipeTestClient.request(this.directory, "echo", "back")).isEqualTo("back");
		});
	}

	@Test
	void eventsTellWhatHappened() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			List<PipeChannelEvent> events = context.getBean(Listeners.class).events;
			await().until(() -> hasEvent(events, PipeChannelStartedEvent.class));
			registry.pause("echo");
			registry.resume("echo");
			Files.delete(this.directory.resolve("echo.out"));
			await().until(() -> hasEvent(events, PipeRecreatedEvent.class));
			Files.delete(this.directory.resolve("echo.in"));
			Files.createDirectory(this.directory.resolve("echo.in"));
			await().until(() -> hasEvent(events, PipeChannelFailedEvent.class));
			Files.delete(this.directory.resolve("echo.in"));
			registry.stop("echo");
			assertThat(events).filteredOn((event) -> event.getChannel().equals("echo"))
				.extracting((event) -> event.getClass().getSimpleName())
				.containsSubsequence("PipeChannelStartedEvent", "PipeChannelPausedEvent", "PipeChannelResumedEvent",
						"PipeRecreatedEvent", "PipeChannelFailedEvent", "PipeChannelStoppedEvent");
			assertThat(events).filteredOn(PipeRecreatedEvent.class::isInstance)
				.extracting((event) -> ((PipeRecreatedEvent) event).getPath())
				.contains(this.directory.resolve("echo.out"));
			assertThat(hasEvent(events, PipeChannelStoppedEvent.class)).isTrue();
			assertThat(hasEvent(events, PipeChannelPausedEvent.class)).isTrue();
			assertThat(hasEvent(events, PipeChannelResumedEvent.class)).isTrue();
		});
	}

	@Test
	void endpointListsAndChangesChannels() {
		runner().run((context) -> {
			PipeIoEndpoint endpoint = context.getBean(PipeIoEndpoint.class);
			PipeTestClient.request(this.directory, "echo", "one");
			@SuppressWarnings("unchecked")
			Map<String, Object> channels = (Map<String, Object>) endpoint.channels().get("channels");
			assertThat(channels).containsOnlyKeys("echo", "idle");
			assertThat(endpoint.channel("echo")).containsEntry("state", "RUNNING").containsEntry("received", 1L);
			assertThat(endpoint.channel("nope")).isNull();
			assertThat(endpoint.change("echo", "pause")).containsEntry("state", "PAUSED");
			assertThat(endpoint.change("echo", "resume")).containsEntry("state", "RUNNING");
			assertThat(endpoint.change("echo", "stop")).containsEntry("state", "STOPPED");
			assertThat(Files.exists(this.directory.resolve("echo.in"))).isFalse();
			assertThat(endpoint.change("echo", "start")).containsEntry("state", "RUNNING");
			assertThat(endpoint.change("nope", "stop")).isNull();
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.change("echo", "explode"))
				.withMessageContaining("pause, resume, stop, start or restart");
			assertThat(PipeTestClient.request(this.directory, "echo", "two")).isEqualTo("two");
		});
	}

	private static double count(MeterRegistry meters, String name, String channel) {
		return meters.get(name).tag("channel", channel).functionCounter().count();
	}

	/**
	 * @return the count of the reason's dropped counter, or -1 while it has none
	 */
	private static double dropped(MeterRegistry meters, String channel, String reason) {
		FunctionCounter counter = meters.find("pipeio.messages.dropped")
			.tags("channel", channel, "reason", reason)
			.functionCounter();
		return (counter != null) ? counter.count() : -1;
	}

	private static boolean hasEvent(List<PipeChannelEvent> events, Class<?> type) {
		return events.stream().anyMatch(type::isInstance);
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners implements ApplicationListener<PipeChannelEvent> {

		final List<PipeChannelEvent> events = new CopyOnWriteArrayList<>();

		@PipeListener("echo")
		String echo(String line) {
			if (line.equals("fail")) {
				throw new IllegalStateException("asked to fail");
			}
			return line;
		}

		@Override
		public void onApplicationEvent(PipeChannelEvent event) {
			this.events.add(event);
		}

	}

	/** Write one line the way {@code echo line > channel.in} does: open, write, close. */
	private static void send(Path in, String line) {
		try (PipeTestClient sender = PipeTestClient.sender(in)) {
			sender.send(line);
		}
	}

}
