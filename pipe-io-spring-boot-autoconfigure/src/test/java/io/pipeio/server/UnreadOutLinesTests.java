package io.pipeio.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link UnreadOutLines#discardOnceWritten} on a real out pipe, with a writer played by
 * the test: every line the writer finished before it said it was done is thrown away,
 * also one it finished between two looks, so the next client starts with a line that is
 * still wanted.
 */
class UnreadOutLinesTests {

	private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

	@TempDir
	Path dir;

	private FifoDescriptor fifo;

	/** Holds the pipe open for reading, as a client would. */
	private int client;

	private int writer;

	private final ChannelStatistics statistics = new ChannelStatistics(HandlerStatistics.NONE);

	private final Recorder recorder = new Recorder();

	private LostLines lostLines;

	@BeforeEach
	void openFifo() throws Exception {
		Path path = this.dir.resolve("test.out");
		TestPipes.mkfifo(path);
		this.fifo = FifoDescriptor.open(path);
		this.client = this.fifo.openNonBlockingReader();
		this.writer = Posix.open(path.toString(), Posix.O_WRONLY | Posix.O_NONBLOCK);
		PipeServer server = new PipeServer(TestPipes.settings("test", this.dir.resolve("test.in"), path).build(),
				this.recorder, this.recorder);
		this.lostLines = new LostLines(server, this.statistics, this.recorder);
	}

	@AfterEach
	void closeFifo() {
		Posix.close(this.writer);
		Posix.close(this.client);
		this.fifo.close();
	}

	@Test
	void aLineTheWriterFinishesAsItIsAskedWhetherItIsDoneIsThrownAway() throws Exception {
		write("unread\n");
		long discarded = UnreadOutLines.discardOnceWritten(this::discard, () -> {
			// the writer's last line lands as it says it has nothing more to write
			write("last\n");
			return 0;
		}, WAIT_NANOS);
		assertThat(discarded).isEqualTo(2);
		assertThat(leftInPipe()).isEmpty();
		assertThat(this.statistics.getDropped(DropReason.ABANDONED)).isEqualTo(2);
		// told as well as counted, as lines dropped together
		assertThat(this.recorder.drops).containsExactly(new Recorder.Drop(DropReason.ABANDONED, 2));
	}

	@Test
	void linesWrittenWhileTheWriterIsBusyAreThrownAwayUntilItIsDone() throws Exception {
		AtomicInteger asked = new AtomicInteger();
		long discarded = UnreadOutLines.discardOnceWritten(this::discard, () -> {
			int times = asked.incrementAndGet();
			write("line " + times + "\n");
			return (times < 3) ? 1 : 0;
		}, WAIT_NANOS);
		assertThat(discarded).isEqualTo(3);
		assertThat(asked).hasValue(3);
		assertThat(leftInPipe()).isEmpty();
	}

	@Test
	void aLineTheWriterIsInTheMiddleOfAtOneLookIsCountedOnceByItsNewlineAtTheNext() throws Exception {
		write("first\nhalf of a");
		AtomicInteger asked = new AtomicInteger();
		long discarded = UnreadOutLines.discardOnceWritten(this::discard, () -> {
			if (asked.incrementAndGet() == 1) {
				return 1; // busy: it writes the rest of the line
			}
			write(" line\n");
			return 0;
		}, WAIT_NANOS);
		assertThat(discarded).isEqualTo(2);
		assertThat(leftInPipe()).isEmpty();
		assertThat(this.statistics.getDropped(DropReason.ABANDONED)).isEqualTo(2);
	}

	@Test
	void aLineCutShortAtTheLastLookIsCountedAsALine() throws Exception {
		write("whole\ncut sh");
		long discarded = UnreadOutLines.discardOnceWritten(this::discard, () -> 0, WAIT_NANOS);
		assertThat(discarded).isEqualTo(2);
		assertThat(leftInPipe()).isEmpty();
	}

	@Test
	void aWriterThatIsNeverDoneIsWaitedForNoLongerThanTheWait() throws Exception {
		long start = System.nanoTime();
		long discarded = UnreadOutLines.discardOnceWritten(this::discard, () -> 1, TimeUnit.MILLISECONDS.toNanos(50));
		assertThat(discarded).isZero();
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
	}

	private long discard(boolean cutLast) throws IOException {
		return UnreadOutLines.discard(this.fifo, this.lostLines, 64, cutLast);
	}

	private void write(String text) {
		try {
			assertThat(TestPipes.writeNow(this.writer, text)).isEqualTo(text.length());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private String leftInPipe() throws IOException {
		byte[] buffer = new byte[64];
		int read = Posix.readNow(this.client, buffer);
		return (read > 0) ? new String(buffer, 0, read, StandardCharsets.US_ASCII) : "";
	}

}
