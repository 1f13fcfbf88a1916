package io.pipeio.actuate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipeio.annotation.PipeListener;
import io.pipeio.autoconfigure.PipeIoMetricsAutoConfiguration;
import io.pipeio.converter.PipeMessageConversionException;
import io.pipeio.core.BufferedPipeMessageListener;
import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelContext;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.core.PipeListenerFailedException;
import io.pipeio.core.PipeMessageListenerDecorator;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.RecordingErrorHandler;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * The {@code pipeio.listener} timer's totals and maxima are the time the calls took: a
 * chunk of lines is timed as a whole and its time split exactly over its lines, and the
 * time between chunks (waiting for the pipe) is not counted, nor the time returned
 * replies wait for room in the send queue (a reply that the listener waits for in its
 * call is its time). A line that could not be converted for the listener is no call. Slow
 * calls are made by spinning on the clock.
 */
@Timeout(60)
class PipeListenerTimingsTests {

	/**
	 * The slow call: well above what a pause of a busy machine (a GC, a preemption) adds
	 * to a fast one, which must stay below it.
	 */
	private static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

	/**
	 * How long a test keeps the replies waiting: far above what the calls themselves
	 * take.
	 */
	private static final Duration REPLY_WAIT = Duration.ofMillis(500);

	/** Lines sent to a listener whose client does not read its replies at first. */
	private static final int LINES = 10;

	/** A reply larger than the out pipe holds: the writer blocks writing it. */
	private static final int BLOCKING_REPLY = 256 * 1024;

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

	@Test
	void neitherTheWaitBeforeARetryNorTheErrorHandlerIsTheFailedCallsTime() {
		long waitMillis = 2 * TimeUnit.NANOSECONDS.toMillis(SLOW_NANOS);
		PipeIoContextRunners.withDirectory(this.directory)
			.withConfiguration(AutoConfigurations.of(PipeIoMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("pipeErrorHandler", PipeErrorHandler.class, () -> (failure, channel) -> {
				// a slow error handler, such as one that reports remotely
				spin(2 * SLOW_NANOS);
				return null;
			})
			.withUserConfiguration(Listeners.class)
			.withPropertyValues("pipe-io.channels.timed.retry.max-attempts=2",
					"pipe-io.channels.timed.retry.initial-interval=" + waitMillis + "ms")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "timed")) {
					client.send("fail");
					client.send("after");
					assertThat(client.receive()).isEqualTo("after");
				}
				FunctionTimer errors = timer(meters, "error");
				assertThat(errors.count()).as("both calls").isEqualTo(2);
				// Two calls that throw at once: far below the retry's wait or the
				// handler's.
				assertThat(errors.totalTime(TimeUnit.NANOSECONDS)).isLessThan(SLOW_NANOS);
				assertThat(max(meters, "error")).isLessThan(SLOW_NANOS);
			});
	}

	@Test
	void aLineThatCannotBeConvertedForTheListenerIsNotACall() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withConfiguration(AutoConfigurations.of(PipeIoMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("pipeErrorHandler", PipeErrorHandler.class, RecordingErrorHandler::new)
			.withUserConfiguration(ConvertingListeners.class)
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				RecordingErrorHandler errors = (RecordingErrorHandler) context.getBean("pipeErrorHandler");
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				try (PipeTestClient text = PipeTestClient.connect(this.directory, "text");
						PipeTestClient json = PipeTestClient.connect(this.directory, "json")) {
					text.sendRaw(new byte[] { 'b', 'a', 'd', ' ', (byte) 0xff, '\n' });
					text.send("good");
					assertThat(text.receive()).isEqualTo("text:good");
					json.send("{not json");
					json.send("{\"a\":2}");
					assertThat(json.receive()).isEqualTo("json:2");
				}
				for (String channel : new String[] { "text", "json" }) {
					await().untilAsserted(() -> assertThat(meters.get("pipeio.listener")
						.tags("channel", channel, "outcome", "success")
						.functionTimer()
						.count()).isEqualTo(1));
					PipeChannel pipeChannel = registry.getRequiredChannel(channel);
					assertThat(pipeChannel.getStatistics().getDropped(DropReason.MALFORMED)).as("still malformed")
						.isEqualTo(1);
				}
				assertThat(meters.find("pipeio.listener").tag("outcome", "error").meters())
					.as("no call failed: the methods never ran on the malformed lines")
					.isEmpty();
				assertThat(meters.find("pipeio.listener.max").tag("outcome", "error").meters()).isEmpty();
				PipeListenerFailedException first = errors.next();
				PipeListenerFailedException second = errors.next();
				assertThat(first.getReason()).as("the error handler is still told").isEqualTo(DropReason.MALFORMED);
				assertThat(first.getCause()).isInstanceOf(PipeMessageConversionException.class);
				assertThat(second.getReason()).isEqualTo(DropReason.MALFORMED);
				assertThat(second.getCause()).isInstanceOf(PipeMessageConversionException.class);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "threads", "event-loop" })
	void theTimeAReplyWaitsForRoomInTheSendQueueIsNotCounted(String engine) {
		PipeIoContextRunners.withDirectory(this.directory)
			.withConfiguration(AutoConfigurations.of(PipeIoMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withUserConfiguration(ReplyingListener.class)
			.withPropertyValues("pipe-io.engine=" + engine, "pipe-io.channels.replies.send-queue-capacity=1",
					"pipe-io.channels.replies.overflow=block")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				long waited = sendWhileNobodyReads(context, "replies", context.getBean(ReplyingListener.class).calls,
						LINES - 1, "line " + (LINES - 1));
				await().until(() -> timer(meters, "success").count() == LINES);
				assertThat(timer(meters, "success").totalTime(TimeUnit.NANOSECONDS))
					.as("the calls, not the replies' wait for room")
					.isLessThan(waited);
				assertThat(max(meters, "success")).isLessThan(waited);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "threads", "event-loop" })
	void aWaitForRoomWithinTheCallIsTheCallsTime(String engine) {
		PipeIoContextRunners.withDirectory(this.directory)
			.withConfiguration(AutoConfigurations.of(PipeIoMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withUserConfiguration(TwiceReplyingListener.class)
			.withPropertyValues("pipe-io.engine=" + engine, "pipe-io.channels.twice.send-queue-capacity=1",
					"pipe-io.channels.twice.overflow=block")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				// The listener's second reply hands its first over, in the call: once the
				// queue is full, the call waits.
				long waited = sendWhileNobodyReads(context, "twice", context.getBean(TwiceReplyingListener.class).calls,
						2 * LINES - 1, "line " + (LINES - 1) + " again");
				await().until(() -> timer(meters, "success").count() == LINES);
				assertThat(timer(meters, "success").totalTime(TimeUnit.NANOSECONDS))
					.as("the calls, one of which waited")
					.isGreaterThanOrEqualTo(waited);
			});
	}

	/**
	 * Send {@code LINES} lines while nobody reads the out pipe: the large reply to the
	 * first fills it, the next replies fill the queue, and then one waits for room, for
	 * {@code REPLY_WAIT}; then read every reply.
	 * @return how long a reply waited for room, at least
	 */
	private long sendWhileNobodyReads(AssertableApplicationContext context, String name, AtomicInteger calls,
			int lineReplies, String lastReply) throws Exception {
		PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel(name);
		try (PipeTestClient sender = PipeTestClient.sender(this.directory.resolve(name + ".in"))) {
			sender.send("big");
			for (int i = 1; i < LINES; i++) {
				sender.send("line " + i);
			}
			await().until(() -> channel.getSendQueueSize() == 1);
			long waitStart = System.nanoTime();
			await().during(REPLY_WAIT)
				.atMost(REPLY_WAIT.plusSeconds(5))
				.until(() -> channel.getSendQueueSize() == 1 && calls.get() < LINES);
			long waited = System.nanoTime() - waitStart;
			try (PipeTestClient receiver = PipeTestClient.receiver(this.directory.resolve(name + ".out"))) {
				assertThat(receiver.receiveBytes()).hasSize(BLOCKING_REPLY);
				assertThat(receiver.receiveLines(lineReplies)).endsWith(lastReply);
			}
			return waited;
		}
	}

	@Test
	void aLineThatCannotBeConvertedTakesNoShareOfItsChunk() throws Exception {
		MeterRegistry meters = new SimpleMeterRegistry();
		PipeListenerTimings timings = new PipeListenerTimings("unit", new SpinningListener(), meters);
		PipeChannelContext context = mock(PipeChannelContext.class);
		byte[] slow = "slow".getBytes(StandardCharsets.UTF_8);
		byte[] fast = "fast".getBytes(StandardCharsets.UTF_8);
		byte[] slowMalformed = "slow malformed".getBytes(StandardCharsets.UTF_8);
		byte[] malformed = "malformed".getBytes(StandardCharsets.UTF_8);

		assertThatExceptionOfType(PipeMessageConversionException.class)
			.isThrownBy(() -> timings.onMessage(slowMalformed, 0, slowMalformed.length, context));
		timings.onMessage(fast, 0, fast.length, context);
		timings.onChunkEnd(context);
		FunctionTimer success = timer(meters, "success");
		assertThat(success.count()).isEqualTo(1);
		assertThat(success.totalTime(TimeUnit.NANOSECONDS)).as("first in its chunk, its time is not counted")
			.isLessThan(SLOW_NANOS / 4);

		timings.onMessage(slow, 0, slow.length, context);
		assertThatExceptionOfType(PipeMessageConversionException.class)
			.isThrownBy(() -> timings.onMessage(malformed, 0, malformed.length, context));
		timings.onChunkEnd(context);
		assertThat(success.count()).isEqualTo(2);
		assertThat(success.totalTime(TimeUnit.NANOSECONDS)).as("the slow call's time, not shared with it")
			.isGreaterThanOrEqualTo(SLOW_NANOS);
		assertThat(meters.find("pipeio.listener").tag("outcome", "error").meters()).isEmpty();
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

	/**
	 * Answers "slow" after {@link #SLOW_NANOS} of work, fails on "fail", cannot convert
	 * "malformed" (nor "slow malformed", after that work), echoes the rest at once.
	 */
	static final class SpinningListener implements BufferedPipeMessageListener {

		@Override
		public @Nullable Object onMessage(byte[] buffer, int offset, int length, PipeChannelContext context) {
			return answer(new String(buffer, offset, length, StandardCharsets.UTF_8));
		}

	}

	static String answer(String line) {
		if (line.startsWith("slow")) {
			spin(SLOW_NANOS);
		}
		if (line.endsWith("malformed")) {
			throw new PipeMessageConversionException("not a line the listener takes", null);
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

	@Configuration(proxyBeanMethods = false)
	static class ConvertingListeners {

		@PipeListener("text")
		String text(String line) {
			return "text:" + line;
		}

		@PipeListener("json")
		String json(Amount amount) {
			return "json:" + amount.a();
		}

	}

	/** A JSON payload. */
	record Amount(int a) {
	}

	@Configuration(proxyBeanMethods = false)
	static class ReplyingListener {

		final AtomicInteger calls = new AtomicInteger();

		@PipeListener("replies")
		String reply(String line) {
			this.calls.incrementAndGet();
			return line.equals("big") ? "x".repeat(BLOCKING_REPLY) : line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwiceReplyingListener {

		final AtomicInteger calls = new AtomicInteger();

		@PipeListener("twice")
		void replyTwice(String line, PipeChannelContext context) {
			this.calls.incrementAndGet();
			context.reply(line.equals("big") ? "x".repeat(BLOCKING_REPLY) : line);
			context.reply(line + " again");
		}

	}

}
