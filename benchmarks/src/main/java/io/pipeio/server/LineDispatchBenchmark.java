package io.pipeio.server;

import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pipeio.actuate.PipeListenerMetricsDecorator;
import io.pipeio.actuate.PipeListenerObservationConvention;
import io.pipeio.converter.SimplePipeMessageConverter;
import io.pipeio.core.BufferedPipeMessageListener;
import io.pipeio.core.PipeChannelContext;
import io.pipeio.listener.MethodPipeMessageListener;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-line path from a read chunk to a reply, without pipes:
 * {@link LineDispatcher#dispatch} (dispatch lock, framing, statistics) calling a
 * {@link LineHandler} that does what each server variant does with a line. Chunks are 16
 * KiB of 100-byte lines; the score is lines per second.
 * <ul>
 * <li>{@code engine-copy}: the engine echo's handler without the send:
 * {@code Arrays.copyOfRange};</li>
 * <li>{@code engine-copy-sendqueue}: the same plus the hand-off to the writer thread: the
 * copy is offered to a {@link SendQueue} that another thread drains with {@code takeAll}
 * (the writer's loop, minus the pipe write);</li>
 * <li>{@code method-bytes} / {@code method-string}: a {@code @PipeListener}-style method
 * taking and returning {@code byte[]} / {@code String} through
 * {@link MethodPipeMessageListener}, the reply turned into a line as
 * {@code PipeChannel.toLine} does;</li>
 * <li>{@code method-bytes-timer}: plus {@link PipeListenerMetricsDecorator} with a meter
 * registry only (the chunk timed as a whole and split over its lines; the Prometheus
 * registry, as in the benchmark app);</li>
 * <li>{@code method-bytes-observation} / {@code method-string-observation}: plus the
 * decorator with an active {@link ObservationRegistry} and a
 * {@link DefaultMeterObservationHandler}, which is what a Boot application with actuator
 * gets.</li>
 * </ul>
 *
 * @author pipe-io
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LineDispatchBenchmark {

	static final int LINE_SIZE = 100;

	/** 162 whole 101-byte lines fill a 16 KiB read buffer. */
	static final int LINES_PER_CHUNK = PipeServerSettings.DEFAULT_BUFFER_SIZE / (LINE_SIZE + 1);

	@Param({ "engine-copy", "engine-copy-sendqueue", "method-bytes", "method-string", "method-bytes-timer",
			"method-bytes-observation", "method-string-observation" })
	public String path;

	private byte[] chunk;

	private LineDispatcher dispatcher;

	private LineFramer framer;

	private @Nullable SendQueue queue; // engine-copy-sendqueue only

	private @Nullable Thread drainer;

	private Blackhole blackhole;

	@Setup
	public void setUp(Blackhole blackhole) throws Exception {
		this.blackhole = blackhole;
		this.chunk = LineFramerBenchmark.chunks(LINE_SIZE, LINES_PER_CHUNK, (LINE_SIZE + 1) * LINES_PER_CHUNK)[0];
		LineHandler handler = switch (this.path) {
			case "engine-copy" ->
				(buffer, offset, length) -> blackhole.consume(Arrays.copyOfRange(buffer, offset, offset + length));
			case "engine-copy-sendqueue" -> sendQueueHandler();
			default -> listenerHandler();
		};
		PipeServerSettings settings = PipeServerSettings
			.builder("bench", Path.of("/nonexistent/bench.in"), Path.of("/nonexistent/bench.out"))
			.build();
		// never started: only the dispatcher's owner
		PipeServer server = new PipeServer(settings, handler);
		PipeServerListener listener = new PipeServerListener() {
		};
		ChannelStatistics statistics = new ChannelStatistics(handler.getStatistics());
		LostLines lostLines = new LostLines(server, statistics, listener);
		this.dispatcher = new LineDispatcher(server, new LineSender(server, settings, statistics, listener, lostLines),
				handler, listener, statistics);
		this.dispatcher.open();
		this.framer = this.dispatcher.newFramer(PipeServerSettings.DEFAULT_MAX_MESSAGE_SIZE);
	}

	private LineHandler sendQueueHandler() {
		// No batch is ever begun here, so nothing can be rejected at its end.
		SendQueue sendQueue = new SendQueue(
				PipeServerSettings.builder("bench", Path.of("/nonexistent/bench.in"), Path.of("/nonexistent/bench.out"))
					.build(),
				(entries) -> {
				}, (entries) -> {
				});
		this.queue = sendQueue;
		this.drainer = new Thread(() -> {
			List<Object> batch = new ArrayList<>();
			try {
				while (sendQueue.takeAll(batch)) {
					batch.clear();
				}
			}
			catch (InterruptedException ex) {
				// Done.
			}
		}, "bench-writer");
		this.drainer.setDaemon(true);
		this.drainer.start();
		return (buffer, offset, length) -> {
			if (!sendQueue.offer(Arrays.copyOfRange(buffer, offset, offset + length))) {
				throw new IllegalStateException("send queue stayed full");
			}
		};
	}

	private LineHandler listenerHandler() throws NoSuchMethodException {
		boolean string = this.path.startsWith("method-string");
		Method method = Listeners.class.getMethod("echo", string ? String.class : byte[].class);
		PipeChannelContext context = new Context();
		SimplePipeMessageConverter converter = new SimplePipeMessageConverter();
		BufferedPipeMessageListener listener = new MethodPipeMessageListener(new Listeners(), method, context,
				converter);
		if (this.path.endsWith("-timer")) {
			listener = new PipeListenerMetricsDecorator(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null,
					false, new PipeListenerObservationConvention())
				.decorate("bench", listener);
		}
		else if (this.path.endsWith("-observation")) {
			MeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
			ObservationRegistry observations = ObservationRegistry.create();
			observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
			listener = new PipeListenerMetricsDecorator(meters, observations, true,
					new PipeListenerObservationConvention())
				.decorate("bench", listener);
		}
		BufferedPipeMessageListener chain = listener;
		Blackhole blackhole = this.blackhole;
		return new LineHandler() {

			@Override
			public void onLine(byte[] buffer, int offset, int length) throws Exception {
				Object reply = chain.onMessage(buffer, offset, length, context);
				// PipeChannel.toLine: byte[] as is, String encoded with the channel
				// charset.
				blackhole.consume((reply instanceof String text) ? text.getBytes(StandardCharsets.UTF_8) : reply);
			}

			@Override
			public void onChunkEnd() {
				// As PipeChannel does: the timer records a chunk's lines at its end.
				chain.onChunkEnd(context);
			}

		};
	}

	@TearDown(Level.Trial)
	public void tearDown() throws InterruptedException {
		if (this.queue != null && this.drainer != null) {
			this.queue.close();
			this.drainer.join(5000);
		}
	}

	@Benchmark
	@OperationsPerInvocation(LINES_PER_CHUNK)
	public boolean dispatch() throws InterruptedException {
		return this.dispatcher.dispatch(this.framer, this.chunk, this.chunk.length);
	}

	/** The listener methods, as a {@code @PipeListener} bean would declare them. */
	public static class Listeners {

		public byte[] echo(byte[] line) {
			return line;
		}

		public String echo(String line) {
			return line;
		}

	}

	private static final class Context implements PipeChannelContext {

		@Override
		public String getName() {
			return "bench";
		}

		@Override
		public Charset getCharset() {
			return StandardCharsets.UTF_8;
		}

		@Override
		public void reply(byte[] line) {
		}

		@Override
		public void reply(String line) {
		}

	}

}
