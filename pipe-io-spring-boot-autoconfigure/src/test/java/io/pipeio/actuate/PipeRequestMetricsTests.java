package io.pipeio.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.autoconfigure.PipeIoMetricsAutoConfiguration;
import io.pipeio.core.PipeRequestException;
import io.pipeio.core.PipeRequestObserver;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.core.PipeRequestOutcome;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerSettings;
import io.pipeio.server.PipeServerState;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code pipeio.requests} timer, with a client answering requests by hand.
 */
@Timeout(60)
class PipeRequestMetricsTests {

	@TempDir
	Path directory;

	@Test
	void requestsAreTimedByOutcome() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class,
					PipeIoMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.withPropertyValues("pipe-io.directory=" + this.directory, "pipe-io.channels.calc.auto-startup=true")
			.run((context) -> {
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				try (PipeTestClient plugin = PipeTestClient.connect(this.directory, "calc")) {
					CompletableFuture<String> answer = requests.sendAndReceiveAsync("calc", "ping",
							Duration.ofSeconds(30));
					assertThat(plugin.receive()).isEqualTo("ping");
					plugin.send("pong");
					assertThat(answer.get()).isEqualTo("pong");
					assertThatExceptionOfType(PipeRequestException.class)
						.isThrownBy(() -> requests.sendAndReceive("calc", "lost", Duration.ofMillis(100)));
				}
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					assertThat(timer(meters, "success").count()).isEqualTo(1);
					assertThat(timer(meters, "timeout").count()).isEqualTo(1);
				});
			});
	}

	@Test
	void anObserverOfTheApplicationIsToldBesideTheMetrics() {
		List<String> told = new CopyOnWriteArrayList<>();
		PipeIoContextRunners.withMetrics(this.directory)
			.withPropertyValues("pipe-io.channels.calc.charset=UTF-8")
			.withBean("myObserver", PipeRequestObserver.class,
					() -> (channel, outcome, duration) -> told.add(channel + ":" + outcome.tag()))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThatExceptionOfType(PipeRequestException.class)
					.isThrownBy(() -> context.getBean(PipeRequestOperations.class)
						.sendAndReceive("calc", "lost", Duration.ofMillis(100)));
				assertThat(told).containsExactly("calc:timeout");
				assertThat(context.getBean(MeterRegistry.class)
					.get("pipeio.requests")
					.tag("outcome", "timeout")
					.timer()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void aRequestEndingAfterItsChannelWasRemovedLeavesNoTimerBehind() {
		MeterRegistry meters = new SimpleMeterRegistry();
		PipeRequestMetrics metrics = new PipeRequestMetrics(meters);
		PipeServer calc = server();
		metrics.onRequestCompleted("calc", PipeRequestOutcome.SUCCESS, Duration.ofMillis(3));
		metrics.onRemoved(calc);
		assertThat(meters.find("pipeio.requests").meters()).isEmpty();
		// as when a request made through the channel just removed fails after that
		metrics.onRequestCompleted("calc", PipeRequestOutcome.ERROR, Duration.ofMillis(1));
		assertThat(meters.find("pipeio.requests").meters()).isEmpty();
		// the removed channel's own start, told late by a thread a listener held up
		metrics.onStateChanged(calc, PipeServerState.STOPPED, PipeServerState.STARTING, null);
		metrics.onRequestCompleted("calc", PipeRequestOutcome.ERROR, Duration.ofMillis(1));
		assertThat(meters.find("pipeio.requests").meters()).isEmpty();
		// a channel of the same name, started later, counts its requests
		metrics.onStateChanged(server(), PipeServerState.STOPPED, PipeServerState.STARTING, null);
		metrics.onRequestCompleted("calc", PipeRequestOutcome.SUCCESS, Duration.ofMillis(2));
		assertThat(meters.get("pipeio.requests").tag("outcome", "success").timer().count()).isEqualTo(1);
	}

	@Test
	void anObservedRequestEndingAfterItsChannelWasRemovedLeavesNoMeterBehind() {
		MeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		PipeRequestMetrics metrics = new PipeRequestMetrics(meters, observations,
				new PipeRequestObservationConvention());
		PipeServer calc = server();
		// started before the removal, ended after it
		PipeRequestObserver.Handle inFlight = metrics.onRequestStarted("calc");
		metrics.onRemoved(calc);
		inFlight.end(PipeRequestOutcome.ERROR, new IllegalStateException("channel removed"));
		// started after it, as a request racing the removal
		assertThat(metrics.onRequestStarted("calc")).isNull();
		assertThat(meters.getMeters()).noneMatch((meter) -> meter.getId().getName().startsWith("pipeio.requests"));
		// not the removed channel's own start, told late
		metrics.onStateChanged(calc, PipeServerState.STOPPED, PipeServerState.STARTING, null);
		assertThat(metrics.onRequestStarted("calc")).isNull();
		// a channel of the same name, started later, is observed again
		metrics.onStateChanged(server(), PipeServerState.STOPPED, PipeServerState.STARTING, null);
		metrics.onRequestStarted("calc").end(PipeRequestOutcome.SUCCESS, null);
		assertThat(meters.get("pipeio.requests").tag("outcome", "success").timer().count()).isEqualTo(1);
	}

	@Test
	void removedChannelsAreForgottenOnceNoRequestOfTheirsCanEndLate() {
		MeterRegistry meters = new SimpleMeterRegistry();
		AtomicLong now = new AtomicLong();
		PipeRequestMetrics metrics = new PipeRequestMetrics(meters, null, new PipeRequestObservationConvention(),
				now::get);
		// as a host that gives each client a channel of its own does
		for (int i = 0; i < 1000; i++) {
			metrics.onRequestCompleted("client-" + i, PipeRequestOutcome.SUCCESS, Duration.ofMillis(1));
			metrics.onRemoved(server("client-" + i));
		}
		assertThat(metrics.rememberedChannels()).isEqualTo(1000);
		metrics.onRequestCompleted("client-7", PipeRequestOutcome.ERROR, Duration.ofMillis(1));
		assertThat(meters.find("pipeio.requests").meters()).isEmpty();
		PipeServer again = server("client-7");
		metrics.onStateChanged(again, PipeServerState.STOPPED, PipeServerState.STARTING, null);
		now.addAndGet(PipeRequestMetrics.REMOVAL_REMEMBERED.toNanos());
		metrics.onRemoved(server("last"));
		// the removals of a minute ago are forgotten, not the newest
		assertThat(metrics.rememberedChannels()).isOne();
		metrics.onRequestCompleted("last", PipeRequestOutcome.ERROR, Duration.ofMillis(1));
		assertThat(meters.find("pipeio.requests").meters()).isEmpty();
		// nor the timers of a channel started again under a removed one's name
		metrics.onRequestCompleted("client-7", PipeRequestOutcome.SUCCESS, Duration.ofMillis(1));
		now.addAndGet(PipeRequestMetrics.REMOVAL_REMEMBERED.toNanos());
		metrics.onRemoved(server("later"));
		assertThat(meters.get("pipeio.requests").tag("channel", "client-7").timer().count()).isOne();
	}

	@Test
	void removedChannelsAreForgottenAsRequestsEndAfterTheLastRemoval() {
		MeterRegistry meters = new SimpleMeterRegistry();
		AtomicLong now = new AtomicLong();
		PipeRequestMetrics metrics = new PipeRequestMetrics(meters, null, new PipeRequestObservationConvention(),
				now::get);
		for (int i = 0; i < 1000; i++) {
			metrics.onRemoved(server("client-" + i));
		}
		now.addAndGet(PipeRequestMetrics.REMOVAL_REMEMBERED.toNanos());
		// no channel is removed after the burst; the channels that stay are used
		metrics.onRequestCompleted("calc", PipeRequestOutcome.SUCCESS, Duration.ofMillis(1));
		assertThat(metrics.rememberedChannels()).isOne();
		assertThat(timer(meters, "success").count()).isOne();
	}

	@Test
	void removedChannelsAreForgottenAsObservedRequestsEndAfterTheLastRemoval() {
		MeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		AtomicLong now = new AtomicLong();
		PipeRequestMetrics metrics = new PipeRequestMetrics(meters, observations,
				new PipeRequestObservationConvention(), now::get);
		for (int i = 0; i < 1000; i++) {
			metrics.onRemoved(server("client-" + i));
		}
		now.addAndGet(PipeRequestMetrics.REMOVAL_REMEMBERED.toNanos());
		metrics.onRequestStarted("calc").end(PipeRequestOutcome.SUCCESS, null);
		assertThat(metrics.rememberedChannels()).isZero();
		assertThat(timer(meters, "success").count()).isOne();
	}

	private PipeServer server() {
		return server("calc");
	}

	private PipeServer server(String channel) {
		return new PipeServer(PipeServerSettings
			.builder(channel, this.directory.resolve(channel + ".in"), this.directory.resolve(channel + ".out"))
			.build(), (buffer, offset, length) -> {
			});
	}

	private static Timer timer(MeterRegistry meters, String outcome) {
		return meters.get("pipeio.requests").tag("channel", "calc").tag("outcome", outcome).timer();
	}

}
