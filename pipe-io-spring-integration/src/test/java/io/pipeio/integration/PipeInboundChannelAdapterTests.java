package io.pipeio.integration;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pipeio.annotation.PipeListener;
import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.core.PipeListenerFailedException;
import io.pipeio.event.PipeChannelPausedEvent;
import io.pipeio.event.PipeChannelResumedEvent;
import io.pipeio.event.PipeChannelStartedEvent;
import io.pipeio.integration.dsl.PipeChannelAdapters;
import io.pipeio.integration.dsl.PipeIo;
import io.pipeio.integration.dsl.PipeInboundChannelAdapterSpec;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.RecordingChannelEvents;
import io.pipeio.testsupport.RecordingErrorHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.dsl.context.IntegrationFlowContext;
import org.springframework.integration.dsl.context.IntegrationFlowContext.IntegrationFlowRegistration;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.ErrorMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Lines written to a channel's in pipe by a client come out of an {@link IntegrationFlow}
 * as messages; failures and a blocked flow follow the channel's rules.
 */
@Timeout(60)
class PipeInboundChannelAdapterTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return IntegrationContextRunners.withDirectory(this.directory).withUserConfiguration(SensorFlow.class);
	}

	@Test
	void eachLineBecomesAStringMessageWithTheChannelAndTheTimeItArrived() {
		runner().withPropertyValues("pipe-io.channels.sensor.charset=ISO-8859-1").run((context) -> {
			assertThat(context).hasNotFailed();
			QueueChannel received = context.getBean("received", QueueChannel.class);
			long before = System.currentTimeMillis();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "sensor")) {
				client.send("t=21");
				client.send(new byte[] { 'c', 'a', 'f', (byte) 0xe9 });
				Message<?> first = received.receive(WAIT.toMillis());
				Message<?> second = received.receive(WAIT.toMillis());
				assertThat(first).isNotNull();
				assertThat(second).isNotNull();
				assertThat(first.getPayload()).isEqualTo("t=21");
				assertThat(second.getPayload()).isEqualTo("café");
				assertThat(first.getHeaders()).containsEntry(PipeIoHeaders.CHANNEL, "sensor");
				assertThat(first.getHeaders().get(PipeIoHeaders.RECEIVED_AT, Long.class)).isBetween(before,
						System.currentTimeMillis());
			}
		});
	}

	@Test
	void aLineThatIsNotValidTextIsDroppedAsMalformedNotForwarded() {
		runner().run((context) -> {
			QueueChannel received = context.getBean("received", QueueChannel.class);
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("sensor");
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "sensor")) {
				client.send(new byte[] { 'c', 'a', 'f', (byte) 0xe9 }); // ISO-8859-1, not
																		// UTF-8
				client.send("t=21");
				Message<?> message = received.receive(WAIT.toMillis());
				assertThat(message).isNotNull();
				assertThat(message.getPayload()).isEqualTo("t=21");
				assertThat(channel.getStatistics().getDropped(DropReason.MALFORMED)).isEqualTo(1);
				assertThat(received.getQueueSize()).isZero();
			}
		});
	}

	@Test
	void aFlowRemovedAtRuntimeHandsTheChannelAndItsWaitingLinesToTheNextFlow() {
		IntegrationContextRunners.withDirectory(this.directory).run((context) -> {
			IntegrationFlowContext flows = context.getBean(IntegrationFlowContext.class);
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			QueueChannel first = new QueueChannel();
			IntegrationFlowRegistration registration = flows
				.registration(IntegrationFlow.from(PipeIo.inboundAdapter(registry, "dynamic")).channel(first).get())
				.register();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "dynamic")) {
				client.send("one");
				Message<?> one = first.receive(WAIT.toMillis());
				assertThat(one).isNotNull();
				assertThat(one.getPayload()).isEqualTo("one");
				registration.destroy();
				client.send("two"); // waits in the pipe: the channel has no consumer now
				QueueChannel second = new QueueChannel();
				flows
					.registration(
							IntegrationFlow.from(PipeIo.inboundAdapter(registry, "dynamic")).channel(second).get())
					.register();
				Message<?> two = second.receive(WAIT.toMillis());
				assertThat(two).isNotNull();
				assertThat(two.getPayload()).isEqualTo("two");
				assertThat(first.getQueueSize()).isZero();
			}
			PipeChannel channel = registry.getRequiredChannel("dynamic");
			assertThat(channel.getStatistics().getDropped(DropReason.NO_LISTENER)).isZero();
			assertThat(channel.isPaused()).isFalse();
		});
	}

	@Test
	void aFlowWhoseRegistrationFailedOnASecondConsumerCanBeRegisteredAgainUnderItsId() {
		IntegrationContextRunners.withDirectory(this.directory).run((context) -> {
			IntegrationFlowContext flows = context.getBean(IntegrationFlowContext.class);
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			IntegrationFlowRegistration first = register(context, "dynamic", new QueueChannel(), true);
			QueueChannel received = new QueueChannel();
			IntegrationFlow next = IntegrationFlow.from(PipeIo.inboundAdapter(registry, "dynamic"))
				.channel(received)
				.get();
			assertThatException().isThrownBy(() -> flows.registration(next).id("next").register())
				.withStackTraceContaining("two listeners");
			assertThat(flows.getRegistrationById("next")).isNull();
			first.destroy();
			// The same flow, now that the channel is free: the failed try left nothing.
			IntegrationFlowRegistration retried = flows.registration(next).id("next").register();
			assertReceivesAndDetaches(registry, retried, received);
		});
	}

	@Test
	void aFlowFromTheAdapterItselfWhoseRegistrationFailedCanBeRegisteredAgainUnderItsId() {
		IntegrationContextRunners.withDirectory(this.directory).run((context) -> {
			IntegrationFlowContext flows = context.getBean(IntegrationFlowContext.class);
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			IntegrationFlowRegistration first = register(context, "dynamic", new QueueChannel(), true);
			// Without the spec, the flow registers the adapter's output channel first.
			assertThatException().isThrownBy(
					() -> flows
						.registration(IntegrationFlow.from(new PipeInboundChannelAdapter(registry, "dynamic"))
							.channel(new QueueChannel())
							.get())
						.id("next")
						.register())
				.withStackTraceContaining("two listeners");
			first.destroy();
			QueueChannel received = new QueueChannel();
			IntegrationFlowRegistration retried = flows.registration(
					IntegrationFlow.from(new PipeInboundChannelAdapter(registry, "dynamic")).channel(received).get())
				.id("next")
				.register();
			assertReceivesAndDetaches(registry, retried, received);
		});
	}

	private void assertReceivesAndDetaches(PipeChannelRegistry registry, IntegrationFlowRegistration registration,
			QueueChannel received) {
		try (PipeTestClient client = PipeTestClient.connect(this.directory, "dynamic")) {
			client.send("for the flow registered again");
			assertThat(received.receive(WAIT.toMillis())).extracting(Message::getPayload)
				.isEqualTo("for the flow registered again");
		}
		registration.destroy();
		assertThat(registry.getRequiredChannel("dynamic").getListenerDescription()).isNull();
	}

	@Test
	void removingAFlowWhoseChannelWasUnregisteredLeavesTheNextFlowOnThatNameAlone() {
		IntegrationContextRunners.withDirectory(this.directory).run((context) -> {
			IntegrationFlowContext flows = context.getBean(IntegrationFlowContext.class);
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			IntegrationFlowRegistration old = flows.registration(
					IntegrationFlow.from(PipeIo.inboundAdapter(registry, "reused")).channel(new QueueChannel()).get())
				.register();
			registry.unregister("reused");
			QueueChannel next = new QueueChannel();
			flows.registration(IntegrationFlow.from(PipeIo.inboundAdapter(registry, "reused")).channel(next).get())
				.register();
			old.destroy();
			PipeChannel channel = registry.getRequiredChannel("reused");
			assertThat(channel.getListenerDescription()).isNotNull();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "reused")) {
				client.send("for the next flow");
				Message<?> received = next.receive(WAIT.toMillis());
				assertThat(received).isNotNull();
				assertThat(received.getPayload()).isEqualTo("for the next flow");
			}
			assertThat(channel.isPaused()).isFalse();
		});
	}

	@Test
	void aFlowRemovedWhileItHoldsUpTheChannelFreesItForTheNextFlow() {
		IntegrationContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			// Room for one message and nobody taking it: the second line blocks the
			// reader.
			QueueChannel full = new QueueChannel(1);
			IntegrationFlowRegistration registration = register(context, "dynamic", full, true);
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "dynamic")) {
				client.send("one");
				client.send("two");
				PipeChannel channel = registry.getRequiredChannel("dynamic");
				await().atMost(WAIT)
					.until(() -> full.getQueueSize() == 1 && channel.getStatistics().getReceivedMessages() == 2);
				registration.destroy();
				QueueChannel second = new QueueChannel();
				register(context, "dynamic", second, true);
				client.send("three");
				// Before the blocked send's own timeout (30 s), which freed the channel.
				Message<?> three = second.receive(10_000);
				assertThat(three).isNotNull();
				assertThat(three.getPayload()).isEqualTo("three");
				assertThat(channel.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isEqualTo(1);
			}
		});
	}

	@Test
	void aChannelStoppingWhileItsStoppedAdapterHasLinesInHandIsNotHeldUpByThem() throws Exception {
		IntegrationContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			CountDownLatch entered = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			IntegrationFlowRegistration registration = context.getBean(IntegrationFlowContext.class)
				.registration(IntegrationFlow.from(PipeIo.inboundAdapter(registry, "sensor")).handle((message) -> {
					entered.countDown();
					awaitQuietly(release);
				}).get())
				.register();
			PipeChannel channel = registry.getRequiredChannel("sensor");
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "sensor")) {
				// One write: the three lines are read together, the last two wait in
				// hand.
				client.send("1\n2\n3".getBytes(StandardCharsets.UTF_8));
				assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
				registration.stop();
				release.countDown();
				CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> registry.stop("sensor"));
				// Well before the stop's own timeout gives up on the reader (30 s).
				assertThat(stop).succeedsWithin(WAIT);
			}
			assertThat(channel.getStatistics().getReceivedMessages()).isEqualTo(3);
			assertThat(channel.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isEqualTo(2);
			registration.destroy();
		});
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void aFlowAddedAtRuntimeThatDoesNotStartLeavesTheWaitingLinesInThePipeUntilItStarts() {
		IntegrationContextRunners.withDirectory(this.directory)
			.withUserConfiguration(RecordingChannelEvents.class)
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				RecordingChannelEvents events = context.getBean(RecordingChannelEvents.class);
				QueueChannel first = new QueueChannel();
				IntegrationFlowRegistration registration = register(context, "dynamic", first, true);
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "dynamic")) {
					client.send("one");
					assertThat(payloads(first, 1)).containsExactly("one");
					registration.destroy();
					client.send("two"); // held in the pipe for the next consumer
					events.events().clear();
					QueueChannel second = new QueueChannel();
					IntegrationFlowRegistration later = register(context, "dynamic", second, false);
					PipeChannel channel = registry.getRequiredChannel("dynamic");
					// Never resumed for a consumer that has not started: no line could be
					// taken from the pipe for it.
					assertThat(events.events()).noneMatch(PipeChannelResumedEvent.class::isInstance);
					assertThat(channel.isPaused()).isTrue();
					assertThat(channel.getStatistics().getReceivedMessages()).isEqualTo(1);
					later.start();
					assertThat(payloads(second, 1)).containsExactly("two");
					assertThat(channel.isPaused()).isFalse();
				}
			});
	}

	@Test
	void aFlowThatDoesNotStartOnAChannelDeclaredForItStartsTheChannelPaused() {
		IntegrationContextRunners.withDirectory(this.directory)
			.withUserConfiguration(RecordingChannelEvents.class)
			.run((context) -> {
				QueueChannel received = new QueueChannel();
				IntegrationFlowRegistration registration = register(context, "fresh", received, false);
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("fresh");
				assertThat(channel.isRunning()).isTrue();
				assertThat(channel.isPaused()).isTrue();
				// Paused before it started, so it never read for a consumer that was not
				// ready.
				assertThat(context.getBean(RecordingChannelEvents.class).lifecycle("fresh"))
					.containsExactly(PipeChannelPausedEvent.class, PipeChannelStartedEvent.class);
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "fresh")) {
					client.send("first");
					registration.start();
					assertThat(payloads(received, 1)).containsExactly("first");
				}
			});
	}

	/** Register a flow from a channel's adapter at runtime. */
	private static IntegrationFlowRegistration register(ApplicationContext context, String channel, QueueChannel target,
			boolean autoStartup) {
		PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
		return context.getBean(IntegrationFlowContext.class)
			.registration(IntegrationFlow.from(PipeIo.inboundAdapter(registry, channel).autoStartup(autoStartup))
				.channel(target)
				.get())
			.autoStartup(autoStartup)
			.register();
	}

	@Test
	void binaryPayloadsAreTheLinesBytes() {
		runner().withPropertyValues("test.payload=binary").run((context) -> {
			QueueChannel received = context.getBean("received", QueueChannel.class);
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "sensor")) {
				byte[] raw = { 0, (byte) 0xff, '\r', 'z' };
				client.send(raw);
				Message<?> message = received.receive(WAIT.toMillis());
				assertThat(message).isNotNull();
				assertThat(message.getPayload()).isEqualTo(raw);
			}
		});
	}

	@Test
	void aChannelWithAnAdapterAndAPipeListenerFailsStartupNamingBoth() {
		runner().withUserConfiguration(SensorListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootMessage(context.getStartupFailure())).contains("'sensor'")
				.contains("two listeners")
				.contains(SensorListener.class.getName() + ".listen")
				.contains("Spring Integration adapter");
		});
	}

	@Test
	void aLineTheFlowFailsOnGoesToTheErrorHandlerIsCountedAndTheNextLinesFlow() {
		RecordingErrorHandler errors = new RecordingErrorHandler((failure) -> "error: " + failure.getReason().tag());
		IntegrationContextRunners.withDirectory(this.directory)
			.withUserConfiguration(FailingFlow.class)
			.withBean("pipeErrorHandler", PipeErrorHandler.class, () -> errors)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				QueueChannel received = context.getBean("received", QueueChannel.class);
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("sensor");
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "sensor")) {
					client.send("one");
					client.send("bad");
					client.send("three");
					PipeListenerFailedException failure = errors.next();
					assertThat(failure.getLine()).isEqualTo("bad".getBytes(StandardCharsets.UTF_8));
					// the flow's own exception, as a @PipeListener's, not Spring
					// Integration's "error occurred in message handler" around it
					assertThat(failure.getCause()).isExactlyInstanceOf(IllegalStateException.class)
						.hasMessage("cannot take bad");
					assertThat(client.receive()).isEqualTo("error: handler-error");
					assertThat(payloads(received, 2)).containsExactly("one", "three");
					assertThat(channel.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isOne();
				}
			});
	}

	@Test
	void withAnErrorChannelAFailedLineGoesToItInsteadOfTheErrorHandler() {
		RecordingErrorHandler errors = new RecordingErrorHandler();
		IntegrationContextRunners.withDirectory(this.directory)
			.withUserConfiguration(FailingFlow.class)
			.withBean("pipeErrorHandler", PipeErrorHandler.class, () -> errors)
			.withPropertyValues("test.error-channel=failures")
			.run((context) -> {
				QueueChannel received = context.getBean("received", QueueChannel.class);
				QueueChannel failures = context.getBean("failures", QueueChannel.class);
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("sensor");
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "sensor")) {
					client.send("bad");
					client.send("good");
					Message<?> failure = failures.receive(WAIT.toMillis());
					assertThat(failure).isInstanceOf(ErrorMessage.class);
					assertThat(((MessagingException) failure.getPayload()).getFailedMessage().getPayload())
						.isEqualTo("bad");
					assertThat(payloads(received, 1)).containsExactly("good");
					assertThat(channel.getStatistics().getDroppedTotal()).isZero();
					assertThat(errors.size()).isZero();
				}
			});
	}

	@Test
	void aBlockedFlowHoldsTheLinesBackAndLosesNone() {
		IntegrationContextRunners.withDirectory(this.directory)
			.withUserConfiguration(SmallQueueFlow.class)
			.run((context) -> {
				QueueChannel received = context.getBean("received", QueueChannel.class);
				int count = 2_000;
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "sensor")) {
					for (int i = 0; i < count; i++) {
						client.send("line " + i);
					}
					// The queue holds 2: the reader thread waits for room, the rest stays
					// in the pipe.
					await().atMost(WAIT).until(() -> received.getQueueSize() == 2);
					List<Object> payloads = payloads(received, count);
					assertThat(payloads).hasSize(count);
					for (int i = 0; i < count; i++) {
						assertThat(payloads.get(i)).isEqualTo("line " + i);
					}
					PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("sensor");
					assertThat(channel.getStatistics().getDroppedTotal()).isZero();
				}
			});
	}

	@Test
	void aStoppedAdapterLeavesTheLinesInThePipeUntilItStartsAgain() {
		runner().run((context) -> {
			QueueChannel received = context.getBean("received", QueueChannel.class);
			PipeInboundChannelAdapter adapter = context.getBean(PipeInboundChannelAdapter.class);
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("sensor");
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "sensor")) {
				client.send("before");
				assertThat(payloads(received, 1)).containsExactly("before");
				adapter.stop();
				assertThat(channel.isPaused()).isTrue();
				client.send("while stopped");
				long started = System.currentTimeMillis();
				adapter.start();
				assertThat(channel.isPaused()).isFalse();
				Message<?> message = received.receive(WAIT.toMillis());
				assertThat(message).isNotNull();
				assertThat(message.getPayload()).isEqualTo("while stopped");
				// Taken from the pipe only once the adapter ran again, not queued while
				// it was stopped.
				assertThat(message.getHeaders().get(PipeIoHeaders.RECEIVED_AT, Long.class))
					.isGreaterThanOrEqualTo(started);
			}
		});
	}

	@Test
	void anAdapterThatDoesNotStartWithTheApplicationKeepsTheChannelPaused() {
		runner().withPropertyValues("test.auto-startup=false").run((context) -> {
			QueueChannel received = context.getBean("received", QueueChannel.class);
			PipeInboundChannelAdapter adapter = context.getBean(PipeInboundChannelAdapter.class);
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("sensor");
			assertThat(channel.isRunning()).isTrue();
			assertThat(channel.isPaused()).isTrue();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "sensor")) {
				client.send("waiting");
				adapter.start();
				assertThat(payloads(received, 1)).containsExactly("waiting");
			}
		});
	}

	private static List<Object> payloads(QueueChannel channel, int count) {
		List<Object> payloads = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			Message<?> message = channel.receive(WAIT.toMillis());
			assertThat(message).as("message %d of %d", i + 1, count).isNotNull();
			payloads.add(message.getPayload());
		}
		return payloads;
	}

	private static String rootMessage(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return String.valueOf(cause.getMessage());
	}

	/**
	 * The other way round: an operator's resume while the adapter is stopped leaves the
	 * lines in the pipe, where they wait for the adapter's start (read before, they would
	 * wait in memory for it, and be dropped if the channel stopped first).
	 */
	@Test
	void anOperatorsResumeWhileTheAdapterIsStoppedLeavesTheLinesInThePipeUntilItStarts() {
		runner().run((context) -> {
			QueueChannel received = context.getBean("received", QueueChannel.class);
			PipeInboundChannelAdapter adapter = context.getBean(PipeInboundChannelAdapter.class);
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannel channel = registry.getRequiredChannel("sensor");
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "sensor")) {
				adapter.stop();
				assertThat(channel.isListenerStopped()).isTrue();
				registry.resume("sensor");
				client.send("waiting");
				await().during(Duration.ofMillis(500))
					.atMost(Duration.ofSeconds(10))
					.until(() -> channel.isPaused() && channel.getStatistics().getReceivedMessages() == 0);
				adapter.start();
				assertThat(channel.isListenerStopped()).isFalse();
				assertThat(received.receive(10_000)).extracting(Message::getPayload).isEqualTo("waiting");
				assertThat(channel.isPaused()).isFalse();
			}
		});
	}

	@Test
	void startingTheAdapterDoesNotResumeAChannelAnOperatorPaused() {
		runner().run((context) -> {
			QueueChannel received = context.getBean("received", QueueChannel.class);
			PipeInboundChannelAdapter adapter = context.getBean(PipeInboundChannelAdapter.class);
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "sensor")) {
				adapter.stop();
				registry.pause("sensor"); // lasts until registry.resume
				adapter.start();
				assertThat(registry.getRequiredChannel("sensor").isPaused()).isTrue();
				client.send("held");
				registry.resume("sensor");
				assertThat(received.receive(10_000)).extracting(Message::getPayload).isEqualTo("held");
			}
		});
	}

	@Test
	void startingAnAdapterThatDidNotStartWithTheApplicationDoesNotResumeAnOperatorPause() {
		runner().withPropertyValues("test.auto-startup=false").run((context) -> {
			PipeInboundChannelAdapter adapter = context.getBean(PipeInboundChannelAdapter.class);
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			registry.pause("sensor");
			adapter.start();
			assertThat(registry.getRequiredChannel("sensor").isPaused()).isTrue();
		});
	}

	@Test
	void aFlowRegisteredNotToStartLeavesTheLinesInThePipeForTheNextFlow() {
		IntegrationContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			IntegrationFlowContext flows = context.getBean(IntegrationFlowContext.class);
			IntegrationFlowRegistration notStarted = flows.registration(
					IntegrationFlow.from(PipeIo.inboundAdapter(registry, "dynamic")).channel(new QueueChannel()).get())
				.autoStartup(false)
				.register();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "dynamic")) {
				client.send("one");
				PipeChannel channel = registry.getRequiredChannel("dynamic");
				// Held in the pipe, or taken for the flow that does not start.
				await().atMost(Duration.ofSeconds(10))
					.until(() -> channel.isPaused() || channel.getStatistics().getReceivedMessages() == 1);
				notStarted.destroy();
				QueueChannel next = new QueueChannel();
				flows.registration(IntegrationFlow.from(PipeIo.inboundAdapter(registry, "dynamic")).channel(next).get())
					.register();
				assertThat(next.receive(10_000)).extracting(Message::getPayload).isEqualTo("one");
				assertThat(channel.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isZero();
			}
		});
	}

	@Test
	void aStoppedFlowBlockedOnAFullQueueDoesNotHoldUpItsChannelsStop() {
		IntegrationContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			QueueChannel full = new QueueChannel(1);
			IntegrationFlowRegistration registration = context.getBean(IntegrationFlowContext.class)
				.registration(IntegrationFlow.from(PipeIo.inboundAdapter(registry, "dynamic")).channel(full).get())
				.register();
			PipeChannel channel = registry.getRequiredChannel("dynamic");
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "dynamic")) {
				client.send("one");
				client.send("two"); // blocked: the queue holds "one", and nothing takes
									// it
				await().atMost(Duration.ofSeconds(10))
					.until(() -> full.getQueueSize() == 1 && channel.getStatistics().getReceivedMessages() == 2);
				registration.stop();
				// Well within the shutdown timeout the stop would otherwise wait out.
				assertThat(CompletableFuture.runAsync(() -> registry.stop("dynamic")))
					.succeedsWithin(Duration.ofSeconds(5));
				assertThat(channel.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isEqualTo(1);
			}
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class SensorFlow {

		@Bean
		QueueChannel received() {
			return new QueueChannel();
		}

		@Bean
		IntegrationFlow sensorFlow(PipeChannelAdapters pipes, QueueChannel received, Environment environment) {
			Class<?> payloadType = "binary".equals(environment.getProperty("test.payload")) ? byte[].class
					: String.class;
			boolean autoStartup = environment.getProperty("test.auto-startup", Boolean.class, true);
			return IntegrationFlow.from(pipes.inbound("sensor").payloadType(payloadType).autoStartup(autoStartup))
				.channel(received)
				.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingFlow {

		@Bean
		QueueChannel received() {
			return new QueueChannel();
		}

		@Bean
		QueueChannel failures() {
			return new QueueChannel();
		}

		@Bean
		IntegrationFlow sensorFlow(PipeChannelAdapters pipes, QueueChannel received, Environment environment) {
			PipeInboundChannelAdapterSpec adapter = pipes.inbound("sensor");
			String errorChannel = environment.getProperty("test.error-channel");
			if (errorChannel != null) {
				adapter.errorChannel(errorChannel);
			}
			return IntegrationFlow.from(adapter).<String>filter((line) -> {
				if (line.equals("bad")) {
					throw new IllegalStateException("cannot take " + line);
				}
				return true;
			}).channel(received).get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SmallQueueFlow {

		@Bean
		QueueChannel received() {
			return new QueueChannel(2);
		}

		@Bean
		IntegrationFlow sensorFlow(PipeChannelAdapters pipes, QueueChannel received) {
			return IntegrationFlow.from(pipes.inbound("sensor")).channel(received).get();
		}

	}

	static class SensorListener {

		final List<String> lines = new CopyOnWriteArrayList<>();

		@PipeListener("sensor")
		void listen(String line) {
			this.lines.add(line);
		}

	}

}
