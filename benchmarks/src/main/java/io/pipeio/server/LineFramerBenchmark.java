package io.pipeio.server;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Line framing alone: {@link LineFramer} fed with 16 KiB chunks (the engine's default
 * read buffer) of a stream of {@code lineSize}-byte lines, into a sink that only counts.
 * Chunk boundaries fall inside lines, so the partial-line path is exercised as in the
 * server. The score is lines per second.
 *
 * @author pipe-io
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LineFramerBenchmark {

	static final int CHUNK_SIZE = PipeServerSettings.DEFAULT_BUFFER_SIZE;

	/**
	 * Lines per invocation: the stream is CHUNK_SIZE lines long, (lineSize + 1) chunks.
	 */
	static final int LINES_PER_PASS = CHUNK_SIZE;

	@Param({ "100", "1000" })
	public int lineSize;

	private byte[][] chunks;

	private CountingSink sink;

	private LineFramer framer;

	@Setup
	public void setUp() {
		this.chunks = chunks(this.lineSize, LINES_PER_PASS, CHUNK_SIZE);
		this.sink = new CountingSink();
		this.framer = new LineFramer(PipeServerSettings.DEFAULT_MAX_MESSAGE_SIZE, this.sink);
	}

	@Benchmark
	@OperationsPerInvocation(LINES_PER_PASS)
	public long frame() {
		for (byte[] chunk : this.chunks) {
			this.framer.feed(chunk, 0, chunk.length);
		}
		return this.sink.lines;
	}

	/**
	 * Split a stream of {@code lines} lines of {@code lineSize} bytes plus newline into
	 * chunks.
	 * @param lineSize bytes per line without newline
	 * @param lines how many lines
	 * @param chunkSize bytes per chunk (the last one may be shorter)
	 * @return the chunks
	 */
	static byte[][] chunks(int lineSize, int lines, int chunkSize) {
		byte[] stream = new byte[(lineSize + 1) * lines];
		for (int i = 0; i < lines; i++) {
			int start = i * (lineSize + 1);
			java.util.Arrays.fill(stream, start, start + lineSize, (byte) 'x');
			stream[start] = (byte) ('A' + i % 26);
			stream[start + lineSize] = '\n';
		}
		int count = (stream.length + chunkSize - 1) / chunkSize;
		byte[][] chunks = new byte[count][];
		for (int i = 0; i < count; i++) {
			int from = i * chunkSize;
			chunks[i] = java.util.Arrays.copyOfRange(stream, from, Math.min(stream.length, from + chunkSize));
		}
		return chunks;
	}

	static final class CountingSink implements LineFramer.Sink {

		long lines;

		long bytes;

		@Override
		public void line(byte[] buffer, int offset, int length) {
			this.lines++;
			this.bytes += length;
		}

		@Override
		public void tooLarge(long size) {
			throw new IllegalStateException("unexpected too-large line of " + size + " bytes");
		}

	}

}
