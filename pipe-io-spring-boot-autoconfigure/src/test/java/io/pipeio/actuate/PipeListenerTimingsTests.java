package io.pipeio.actuate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipeio.annotation.PipeListener;
import io.pipeio.autoconfigure.PipeIoMetricsAutoConfiguration;
import io.pipeio.core.BufferedPipeMessageListener;
import io.pipeio.core.PipeChannelContext;
import io.pipeio.core.PipeMessageListenerDecorator;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * The {@code pipeio.listener} timer's totals and maxima are the time the calls took: a
 * chunk of lines is timed as a whole and its time split exactly over its lines, and the
 * time between chunks (waiting for the pipe) is not counted. Slow calls are made by
 * spinning on the clock.
 */
@Timeout(60)
class PipeListenerTimingsTests {

	/**
	 * The slow call: well above what a pause of a busy machine (a GC, a preemption) adds
	 * to a fast one, which must stay below it.
	 */
	private static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

	@TempDir
	Path directory;

	@Test
	void oneSlowCallAmongManyFastOnesShowsAsItsOwnTimeNotAsTheMean() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withConfiguration(AutoConfigurations.of(PipeIoMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withUserConfiguration(Listeners.class)
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				long start = System.nanoTime();
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "timed")) {
					client.send("slow");
					assertThat(client.receive()).isEqualTo("slow");
					StringBuilder lines = new StringBuilder();
					for (int i = 0; i < 199; i++) {
						lines.append("fast ").append(i).append('\n');
					}
					client.sendRaw(lines.toString().getBytes(StandardCharsets.UTF_8));
					assertThat(client.receiveLines(199)).hasSize(199).endsWith("fast 198");
					client.send("fail");
					await().until(() -> timer(meters, "error").count() == 1);
				}
				double elapsed = System.nanoTime() - start;
				FunctionTimer success = timer(meters, "success");
				assertThat(success.count()).isEqualTo(200);
				double total = success.totalTime(TimeUnit.NANOSECONDS)
						+ timer(meters, "error").totalTime(TimeUnit.NANOSECONDS);
				assertThat(success.totalTime(TimeUnit.NANOSECONDS)).as("the slow call counts once")
					.isGreaterThanOrEqualTo(SLOW_NANOS);
				assertThat(total).as("no more than the time the test took").isLessThanOrEqualTo(elapsed);
				assertThat(max(meters, "success")).isBetween((double) SLOW_NANOS, elapsed);
				assertThat(max(meters, "error")).isPositive().isLessThan(SLOW_NANOS);
			});
	}

	@Test
	void aChunksTimeIsSplitExactlyOverItsLinesAndTheWaitBetweenChunksIsNotCounted() throws Exception {
		MeterRegistry meters = new SimpleMeterRegistry();
		PipeListenerTimings timings = new PipeListenerTimings("unit", new SpinningListener(), meters);
		PipeChannelContext context = mock(PipeChannelContext.class);
		byte[] slow = "slow".getBytes(StandardCharsets.UTF_8);
		byte[] fast = "fast".getBytes(StandardCharsets.UTF_8);
		byte[] fail = "fail".getBytes(StandardCharsets.UTF_8);

		long start = System.nanoTime();
		timings.onMessage(slow, 0, slow.length, context);
		timings.onMessage(fast, 0, fast.length, context);
		assertThatIllegalStateException().isThrownBy(() -> timings.onMessage(fail, 0, fail.length, context));
		assertThat(timer(meters, "success").count()).as("recorded at the end of the chunk").isZero();
		timings.onChunkEnd(context);
		long firstChunk = System.nanoTime() - start;

		FunctionTimer success = timer(meters, "success");
		FunctionTimer error = meters.get("pipeio.listener").tag("exception", "IllegalStateException").functionTimer();
		assertThat(success.count()).isEqualTo(2);
		assertThat(error.count()).isEqualTo(1);
		double successNanos = success.totalTime(TimeUnit.NANOSECONDS);
		double errorNanos = error.totalTime(TimeUnit.NANOSECONDS);
		assertThat(successNanos + errorNanos).isBetween((double) SLOW_NANOS, (double) firstChunk);
		assertThat(successNanos - 2 * errorNanos).as("two lines' share and the division's remainder")
			.isGreaterThanOrEqualTo(0)
			.isLessThan(3);

		spin(SLOW_NANOS); // waiting for the pipe, between two chunks
		long second = System.nanoTime();
		timings.onMessage(fast, 0, fast.length, context);
		timings.onChunkEnd(context);
		long secondChunk = System.nanoTime() - second;
		assertThat(success.count()).isEqualTo(3);
		assertThat(success.totalTime(TimeUnit.NANOSECONDS) + errorNanos).isLessThanOrEqualTo(firstChunk + secondChunk);
		timings.onChunkEnd(context);
		assertThat(success.count()).as("an empty chunk records nothing").isEqualTo(3);
	}

	private static FunctionTimer timer(MeterRegistry meters, String outcome) {
		return meters.get("pipeio.listener").tag("outcome", outcome).functionTimer();
	}

	private static double max(MeterRegistry meters, String outcome) {
		TimeGauge gauge = meters.get("pipeio.listener.max").tag("outcome", outcome).timeGauge();
		return gauge.value(TimeUnit.NANOSECONDS);
	}

	private static void spin(long nanos) {
		long end = System.nanoTime() + nanos;
		while (System.nanoTime() < end) {
			Thread.onSpinWait();
		}
	}

	/** Answers "slow" after 50 ms of work, fails on "fail", echoes the rest at once. */
	static final class SpinningListener implements BufferedPipeMessageListener {

		@Override
		public @Nullable Object onMessage(byte[] buffer, int offset, int length, PipeChannelContext context) {
			return answer(new String(buffer, offset, length, StandardCharsets.UTF_8));
		}

	}

	static String answer(String line) {
		if (line.equals("slow")) {
			spin(SLOW_NANOS);
		}
		if (line.equals("fail")) {
			throw new IllegalStateException("asked to fail");
		}
		return line;
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@PipeListener("timed")
		String timed(String line) {
			return answer(line);
		}

		/**
		 * A user's decorator around the timer that does not pass the end of a chunk on.
		 */
		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		PipeMessageListenerDecorator passThroughDecorator() {
			return (channel, listener) -> new BufferedPipeMessageListener() {

				@Override
				public @Nullable Object onMessage(byte[] buffer, int offset, int length, PipeChannelContext context)
						throws Exception {
					return listener.onMessage(buffer, offset, length, context);
				}

			};
		}

	}

}
