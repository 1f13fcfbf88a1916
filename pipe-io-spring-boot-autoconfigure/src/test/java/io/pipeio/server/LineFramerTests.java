package io.pipeio.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link LineFramer}: the same stream must give the same lines however it
 * is cut into chunks, and an over-size line must be reported once with its full size.
 */
class LineFramerTests {

	private final List<String> events = new ArrayList<>();

	private final LineFramer.Sink sink = new LineFramer.Sink() {

		@Override
		public void line(byte[] buffer, int offset, int length) {
			LineFramerTests.this.events.add("line:" + new String(buffer, offset, length, StandardCharsets.ISO_8859_1));
		}

		@Override
		public void ownedLine(byte[] line) {
			LineFramerTests.this.events.add("owned:" + new String(line, StandardCharsets.ISO_8859_1));
		}

		@Override
		public void tooLarge(long size) {
			LineFramerTests.this.events.add("tooLarge:" + size);
		}

	};

	@Test
	void lineLargerThanTheReusedBufferIsJoinedIntoAnArrayOfItsOwn() {
		int size = LineFramer.SMALL_LIMIT * 3 + 17;
		String big = "b".repeat(size);
		LineFramer framer = new LineFramer(size, this.sink);
		String stream = "small\n" + big + "\nafter\n";
		for (int position = 0; position < stream.length(); position += 16 * 1024) {
			feed(framer, stream.substring(position, Math.min(stream.length(), position + 16 * 1024)));
		}
		assertThat(this.events).containsExactly("line:small", "owned:" + big, "line:after");
	}

	@Test
	void lineSpanningChunksWithinTheReusedBufferIsNotCopiedOut() {
		LineFramer framer = new LineFramer(LineFramer.SMALL_LIMIT, this.sink);
		String line = "m".repeat(LineFramer.SMALL_LIMIT);
		feed(framer, line.substring(0, 1000));
		feed(framer, line.substring(1000) + "\n");
		assertThat(this.events).containsExactly("line:" + line);
	}

	@Test
	void lineJustOverTheReusedBufferIsWhole() {
		LineFramer framer = new LineFramer(LineFramer.SMALL_LIMIT * 2, this.sink);
		String line = "j".repeat(LineFramer.SMALL_LIMIT + 1);
		feed(framer, line.substring(0, LineFramer.SMALL_LIMIT));
		feed(framer, line.substring(LineFramer.SMALL_LIMIT) + "\n");
		assertThat(this.events).containsExactly("owned:" + line);
	}

	@Test
	void tooLargeLineAssembledFromPiecesIsDroppedWithItsSize() {
		int max = LineFramer.SMALL_LIMIT * 2;
		LineFramer framer = new LineFramer(max, this.sink);
		String chunk = "p".repeat(16 * 1024);
		int total = 0;
		while (total <= max) {
			feed(framer, chunk);
			total += chunk.length();
		}
		feed(framer, "\nnext\n");
		assertThat(this.events).containsExactly("tooLarge:" + total, "line:next");
	}

	@Test
	void splitsOnNewlineAndKeepsTheRestForTheNextChunk() {
		LineFramer framer = new LineFramer(100, this.sink);
		feed(framer, "one\ntw");
		assertThat(framer.hasPartialLine()).isTrue();
		feed(framer, "o\nthree");
		feed(framer, "\n");
		assertThat(this.events).containsExactly("line:one", "line:two", "line:three");
		assertThat(framer.hasPartialLine()).isFalse();
	}

	@Test
	void emptyLinesAreLines() {
		LineFramer framer = new LineFramer(100, this.sink);
		feed(framer, "\n\na\n\n");
		assertThat(this.events).containsExactly("line:", "line:", "line:a", "line:");
	}

	@Test
	void everyCutOfTheStreamGivesTheSameLines() {
		String stream = "alpha\n\nbeta gamma\n" + "x".repeat(40) + "\nz\n";
		List<String> expected = List.of("line:alpha", "line:", "line:beta gamma", "line:" + "x".repeat(40), "line:z");
		for (int first = 0; first <= stream.length(); first++) {
			for (int second = first; second <= stream.length(); second += 3) {
				this.events.clear();
				LineFramer framer = new LineFramer(64, this.sink);
				feed(framer, stream.substring(0, first));
				feed(framer, stream.substring(first, second));
				feed(framer, stream.substring(second));
				assertThat(this.events).as("cut at %d and %d", first, second).isEqualTo(expected);
			}
		}
	}

	@Test
	void byteByByteFeedingGivesTheSameLines() {
		LineFramer framer = new LineFramer(64, this.sink);
		for (byte b : "ab\n\ncd\n".getBytes(StandardCharsets.ISO_8859_1)) {
			framer.feed(new byte[] { b }, 0, 1);
		}
		assertThat(this.events).containsExactly("line:ab", "line:", "line:cd");
	}

	@Test
	void honoursOffsetAndLength() {
		LineFramer framer = new LineFramer(64, this.sink);
		byte[] chunk = "XXab\ncdYY".getBytes(StandardCharsets.ISO_8859_1);
		framer.feed(chunk, 2, 5);
		framer.feed("\n".getBytes(StandardCharsets.ISO_8859_1), 0, 1);
		assertThat(this.events).containsExactly("line:ab", "line:cd");
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 3, 7, 64, 1000 })
	void lineOfExactlyTheMaxSizeIsDeliveredAndOneMoreByteIsDropped(int chunkSize) {
		LineFramer framer = new LineFramer(10, this.sink);
		feedInChunks(framer, "0123456789\n0123456789A\nok\n".getBytes(StandardCharsets.ISO_8859_1), chunkSize);
		assertThat(this.events).containsExactly("line:0123456789", "tooLarge:11", "line:ok");
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 5, 16, 4096, 100_000 })
	void tooLargeLineAcrossChunksIsReportedOnceWithItsFullSize(int chunkSize) {
		LineFramer framer = new LineFramer(100, this.sink);
		ByteArrayOutputStream stream = new ByteArrayOutputStream();
		stream.writeBytes("before\n".getBytes(StandardCharsets.ISO_8859_1));
		stream.writeBytes("y".repeat(12_345).getBytes(StandardCharsets.ISO_8859_1));
		stream.writeBytes("\nafter\n".getBytes(StandardCharsets.ISO_8859_1));
		feedInChunks(framer, stream.toByteArray(), chunkSize);
		assertThat(this.events).containsExactly("line:before", "tooLarge:12345", "line:after");
	}

	@Test
	void partialLineThatOutgrowsTheMaxIsNotKeptInMemory() {
		LineFramer framer = new LineFramer(100, this.sink);
		byte[] chunk = new byte[1000];
		Arrays.fill(chunk, (byte) 'q');
		for (int i = 0; i < 10_000; i++) {
			// 10 MB without newline through a 100 byte limit
			framer.feed(chunk, 0, chunk.length);
		}
		feed(framer, "\nnext\n");
		assertThat(this.events).containsExactly("tooLarge:10000000", "line:next");
	}

	@Test
	void resyncInsideALineSkipsItsRestQuietly() {
		LineFramer framer = new LineFramer(16, this.sink);
		feed(framer, "lost par");
		framer.resync(true);
		feed(framer, "tial\nnext\n");
		assertThat(this.events).containsExactly("line:next");
	}

	@Test
	void resyncAtALineBoundaryForgetsOnlyThePartialLine() {
		LineFramer framer = new LineFramer(16, this.sink);
		feed(framer, "partial");
		framer.resync(false);
		feed(framer, "next\n");
		assertThat(this.events).containsExactly("line:next");
	}

	@Test
	void aRefusedChunkCountsTheLinesItEndsAndTheOneItEndsInsideWhoseRestIsSkippedQuietly() {
		LineFramer framer = new LineFramer(16, this.sink);
		feed(framer, "st");
		// "start", "b" and the cut "c": three lines lost
		assertThat(refuse(framer, "art\nb\nc")).isEqualTo(3);
		assertThat(framer.hasPartialLine()).isTrue();
		// the rest of "c" was counted: refused again, only "d" is lost
		assertThat(refuse(framer, "ut\nd\n")).isEqualTo(1);
		assertThat(framer.hasPartialLine()).isFalse();
		assertThat(refuse(framer, "still c")).isEqualTo(1);
		assertThat(refuse(framer, "ut")).isZero();
		assertThat(framer.abandonPartialLine()).isFalse();
		feed(framer, "next\n");
		assertThat(this.events).containsExactly("line:next");
	}

	@Test
	void aFailureInTheSinkLosesTheLinesOfTheChunkAfterTheOneItWasToldOfAndCountsThem() {
		LineFramer framer = new LineFramer(16, failingOn("boom"));
		byte[] chunk = "st".getBytes(StandardCharsets.US_ASCII);
		framer.feed(chunk, 0, chunk.length);
		chunk = "art\nboom\nb\nc\npar".getBytes(StandardCharsets.US_ASCII);
		long end = framer.position() + chunk.length;
		assertThat(feedFailing(framer, chunk)).isInstanceOf(OutOfMemoryError.class);
		// "boom" was passed on (the sink failed on it): "b", "c" and the cut "par" are
		// lost
		assertThat(framer.cut(chunk, chunk.length, end)).isEqualTo(3);
		assertThat(framer.position()).isEqualTo(end);
		feed(framer, "tial\nnext\n");
		assertThat(this.events).containsExactly("line:start", "line:boom", "line:next");
	}

	@Test
	void aFailureBeforeAChunkWasFedLosesAllOfItsLinesAndOneStillBeingSkippedIsNotCountedTwice() {
		LineFramer framer = new LineFramer(16, this.sink);
		feed(framer, "first\nsec");
		byte[] chunk = "ond\nthird\nfou".getBytes(StandardCharsets.US_ASCII);
		// "second", "third" and the cut "fou..."
		assertThat(framer.cut(chunk, chunk.length, framer.position() + chunk.length)).isEqualTo(3);
		chunk = "rth\nfifth\n".getBytes(StandardCharsets.US_ASCII);
		// the rest of "fourth" was counted: only "fifth" is lost
		assertThat(framer.cut(chunk, chunk.length, framer.position() + chunk.length)).isEqualTo(1);
		feed(framer, "next\n");
		assertThat(this.events).containsExactly("line:first", "line:next");
	}

	@Test
	void aFailureAfterAChunkWasFramedLosesNothingAndKeepsItsPartialLine() {
		LineFramer framer = new LineFramer(16, this.sink);
		byte[] chunk = "whole\npart".getBytes(StandardCharsets.US_ASCII);
		framer.feed(chunk, 0, chunk.length);
		assertThat(framer.cut(chunk, chunk.length, framer.position())).isZero();
		feed(framer, "ial\n");
		assertThat(this.events).containsExactly("line:whole", "line:partial");
	}

	@Test
	void aFailureInTheSinkOnAnAssembledLineLeavesNothingOfItBehind() {
		LineFramer framer = new LineFramer(LineFramer.SMALL_LIMIT * 2, failingOn("x".repeat(10) + "boom"));
		feed(framer, "x".repeat(10));
		byte[] chunk = "boom\n".getBytes(StandardCharsets.US_ASCII);
		long end = framer.position() + chunk.length;
		assertThat(feedFailing(framer, chunk)).isInstanceOf(OutOfMemoryError.class);
		assertThat(framer.cut(chunk, chunk.length, end)).isZero();
		String big = "y".repeat(LineFramer.SMALL_LIMIT + 1);
		framer = new LineFramer(LineFramer.SMALL_LIMIT * 2, failingOn(big));
		feed(framer, big.substring(0, 100));
		chunk = (big.substring(100) + "\n").getBytes(StandardCharsets.US_ASCII);
		end = framer.position() + chunk.length;
		assertThat(feedFailing(framer, chunk)).isInstanceOf(OutOfMemoryError.class);
		assertThat(framer.cut(chunk, chunk.length, end)).isZero();
		feed(framer, "next\n");
		assertThat(this.events).containsExactly("line:" + "x".repeat(10) + "boom", "owned:" + big, "line:next");
	}

	@Test
	void aPartialLineAbandonedAtAStopIsUncountedUnlessItWasBeingSkippedQuietly() {
		LineFramer framer = new LineFramer(16, this.sink);
		feed(framer, "partial");
		assertThat(framer.abandonPartialLine()).isTrue();
		assertThat(framer.hasPartialLine()).isFalse();
		feed(framer, "too large for sixteen bytes");
		assertThat(framer.abandonPartialLine()).isTrue();
		feed(framer, "cut");
		framer.resync(true);
		assertThat(framer.abandonPartialLine()).isFalse();
		assertThat(this.events).isEmpty();
	}

	@Test
	void bytesOtherThanNewlinePassUnchanged() {
		byte[] line = new byte[256 * 4];
		for (int i = 0; i < line.length; i++) {
			line[i] = (byte) ((i % 256 == '\n') ? 0 : i);
		}
		List<byte[]> lines = new ArrayList<>();
		LineFramer framer = new LineFramer(line.length, new LineFramer.Sink() {

			@Override
			public void line(byte[] buffer, int offset, int length) {
				lines.add(Arrays.copyOfRange(buffer, offset, offset + length));
			}

			@Override
			public void tooLarge(long size) {
				throw new AssertionError("not too large: " + size);
			}

		});
		byte[] stream = Arrays.copyOf(line, line.length + 1);
		stream[line.length] = '\n';
		feedInChunks(framer, stream, 100);
		assertThat(lines).singleElement().isEqualTo(line);
	}

	@Test
	void randomStreamsMatchASimpleSplit() {
		Random random = new Random(42);
		for (int round = 0; round < 200; round++) {
			byte[] stream = new byte[random.nextInt(2000)];
			for (int i = 0; i < stream.length; i++) {
				stream[i] = (random.nextInt(20) == 0) ? (byte) '\n' : (byte) ('a' + random.nextInt(26));
			}
			this.events.clear();
			feedInChunks(new LineFramer(50, this.sink), stream, 1 + random.nextInt(100));
			assertThat(this.events).isEqualTo(simpleSplit(new String(stream, StandardCharsets.ISO_8859_1), 50));
		}
	}

	/** The reference: what a framer must report, computed the obvious way. */
	private static List<String> simpleSplit(String stream, int max) {
		List<String> expected = new ArrayList<>();
		int start = 0;
		for (int newline = stream.indexOf('\n'); newline >= 0; newline = stream.indexOf('\n', start)) {
			String line = stream.substring(start, newline);
			expected.add((line.length() > max) ? "tooLarge:" + line.length() : "line:" + line);
			start = newline + 1;
		}
		return expected;
	}

	private static void feed(LineFramer framer, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
		framer.feed(bytes, 0, bytes.length);
	}

	private static void feedInChunks(LineFramer framer, byte[] stream, int chunkSize) {
		// One reused buffer, as the reader has: a partial line must be copied, not
		// referenced.
		byte[] chunk = new byte[chunkSize];
		for (int offset = 0; offset < stream.length; offset += chunkSize) {
			int length = Math.min(chunkSize, stream.length - offset);
			System.arraycopy(stream, offset, chunk, 0, length);
			framer.feed(chunk, 0, length);
			Arrays.fill(chunk, (byte) '#');
		}
	}

	/**
	 * A sink that records what {@link #sink} does and throws an {@code OutOfMemoryError}
	 * after it was told of the given line.
	 */
	private LineFramer.Sink failingOn(String line) {
		return new LineFramer.Sink() {

			@Override
			public void line(byte[] buffer, int offset, int length) {
				LineFramerTests.this.sink.line(buffer, offset, length);
				failIf(new String(buffer, offset, length, StandardCharsets.ISO_8859_1));
			}

			@Override
			public void ownedLine(byte[] owned) {
				LineFramerTests.this.sink.ownedLine(owned);
				failIf(new String(owned, StandardCharsets.ISO_8859_1));
			}

			@Override
			public void tooLarge(long size) {
				LineFramerTests.this.sink.tooLarge(size);
			}

			private void failIf(String told) {
				if (told.equals(line)) {
					throw new OutOfMemoryError("thrown by the sink");
				}
			}

		};
	}

	private static Throwable feedFailing(LineFramer framer, byte[] chunk) {
		try {
			framer.feed(chunk, 0, chunk.length);
		}
		catch (OutOfMemoryError ex) {
			return ex;
		}
		throw new AssertionError("the sink did not fail");
	}

	private static long refuse(LineFramer framer, String chunk) {
		byte[] bytes = chunk.getBytes(StandardCharsets.US_ASCII);
		return framer.refuse(bytes, bytes.length);
	}

}
