package io.pipeio.actuate;

import java.nio.file.Path;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.pipeio.core.BufferedPipeMessageListener;
import io.pipeio.core.PipeChannelContext;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerSettings;
import io.pipeio.testsupport.TestChannelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A listener call that ends after its channel was removed (one the channel's stop gave up
 * on) leaves no {@code pipeio.listener} meter behind, timed or observed, while a channel
 * of the same name added meanwhile keeps its own.
 */
class PipeListenerLateCallMetersTests {

	@TempDir
	Path directory;

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final PipeChannelContext context = new TestChannelContext("calc");

	@Test
	void aTimedCallFailingAfterItsChannelWasRemovedRegistersNoErrorTimer() throws Exception {
		PipeListenerMetricsDecorator decorator = new PipeListenerMetricsDecorator(this.meters, null, false,
				new PipeListenerObservationConvention());
		PipeServer calc = server();
		BufferedPipeMessageListener listener = decorator.decorate("calc",
				(buffer, offset, length, context) -> removedMidCall(decorator, calc));
		assertThatIllegalStateException().isThrownBy(() -> listener.onMessage(new byte[1], this.context));
		listener.onChunkEnd(this.context);
		assertThat(this.meters.find(PipeListenerObservationConvention.NAME).meters()).isEmpty();
		assertThat(this.meters.find(PipeListenerObservationConvention.NAME + ".max").meters()).isEmpty();
	}

	@Test
	void anObservedCallEndingAfterItsChannelWasRemovedLeavesNoMeter() throws Exception {
		PipeListenerMetricsDecorator decorator = observedDecorator();
		PipeServer calc = server();
		BufferedPipeMessageListener listener = decorator.decorate("calc",
				(buffer, offset, length, context) -> removedMidCall(decorator, calc));
		assertThatIllegalStateException().isThrownBy(() -> listener.onMessage(new byte[1], this.context));
		assertThat(this.meters.getMeters()).noneMatch((meter) -> meter.getId().getName().startsWith("pipeio.listener"));
	}

	@Test
	void anObservedCallEndingAfterAChannelOfTheSameNameWasAddedLeavesThatChannelsMeters() throws Exception {
		PipeListenerMetricsDecorator decorator = observedDecorator();
		PipeServer calc = server();
		BufferedPipeMessageListener[] again = new BufferedPipeMessageListener[1];
		BufferedPipeMessageListener listener = decorator.decorate("calc", (buffer, offset, length, context) -> {
			decorator.onRemoved(calc);
			again[0] = decorator.decorate("calc", (b, o, l, c) -> "ok");
			again[0].onMessage(new byte[1], context);
			return "late";
		});
		assertThat(listener.onMessage(new byte[1], this.context)).isEqualTo("late");
		assertThat(this.meters.get(PipeListenerObservationConvention.NAME).tag("channel", "calc").timers())
			.isNotEmpty();
	}

	private PipeListenerMetricsDecorator observedDecorator() {
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
		return new PipeListenerMetricsDecorator(this.meters, observations, true,
				new PipeListenerObservationConvention());
	}

	private PipeServer server() {
		return new PipeServer(PipeServerSettings
			.builder("calc", this.directory.resolve("calc.in"), this.directory.resolve("calc.out"))
			.build(), (buffer, offset, length) -> {
			});
	}

	/** The channel removed while the call runs, which then fails. */
	private static Object removedMidCall(PipeListenerMetricsDecorator decorator, PipeServer channel) {
		decorator.onRemoved(channel);
		throw new IllegalStateException("failed after the channel was removed");
	}

}
