package io.pipeio.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WritingBatch} against real FIFOs, opened as the event loop's writer opens them:
 * a batch larger than a pipe holds goes in chunk by chunk, the chunk a full pipe did not
 * take whole is kept until it has room, and after a switch to another pipe the batch goes
 * on from the first line the old one did not take whole. The test thread is the writer
 * and the client that reads.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WritingBatchTests {

	/** A line's length without its newline; every line has it, so bytes tell lines. */
	private static final int LENGTH = 1000;

	/** Some 2 MB: more than a pipe holds. */
	private static final int LINES = 2000;

	private static final int BUFFER_SIZE = 16 * 1024;

	@TempDir
	Path directory;

	@Test
	void aChunkTheFullPipeDidNotTakeWholeIsKeptUntilItHasRoom() throws Exception {
		try (FifoDescriptor fifo = writer("out")) {
			WritingBatch batch = batch();
			ByteArrayOutputStream read = new ByteArrayOutputStream();
			int full = 0;
			while (!batch.isWritten()) {
				if (!batch.writeNext(fifo)) {
					full++;
					drain(fifo, read);
					// everything the pipe took was read: its whole lines, and part of one
					assertThat(batch.wholeLines()).isEqualTo(read.size() / (LENGTH + 1));
				}
			}
			drain(fifo, read);
			assertThat(full).isPositive();
			assertThat(batch.wholeLines()).isEqualTo(LINES);
			assertThat(read.toByteArray()).isEqualTo(lines(0));
		}
	}

	@Test
	void afterASwitchTheNewPipeGetsWholeLinesFromTheFirstTheOldDidNotTakeWhole() throws Exception {
		try (FifoDescriptor old = writer("old"); FifoDescriptor replacement = writer("new")) {
			WritingBatch batch = batch();
			while (batch.writeNext(old)) {
				assertThat(batch.isWritten()).isFalse();
			}
			int whole = batch.wholeLines();
			ByteArrayOutputStream inOld = new ByteArrayOutputStream();
			drain(old, inOld);
			assertThat(whole).isEqualTo(inOld.size() / (LENGTH + 1)).isLessThan(LINES);
			batch.resumeAtFirstUnwrittenLine();
			assertThat(batch.wholeLines()).isEqualTo(whole);
			ByteArrayOutputStream inNew = new ByteArrayOutputStream();
			while (!batch.isWritten()) {
				if (!batch.writeNext(replacement)) {
					drain(replacement, inNew);
				}
			}
			drain(replacement, inNew);
			assertThat(inNew.toByteArray()).isEqualTo(lines(whole));
		}
	}

	private static WritingBatch batch() {
		WritingBatch batch = new WritingBatch(BUFFER_SIZE);
		for (int i = 0; i < LINES; i++) {
			batch.lines().add(line(i));
		}
		batch.begin();
		return batch;
	}

	private static byte[] line(int number) {
		byte[] line = new byte[LENGTH];
		Arrays.fill(line, (byte) 'x');
		byte[] digits = String.format("%05d", number).getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(digits, 0, line, 0, digits.length);
		return line;
	}

	/** The lines from one on, each with its newline, as a client reads them. */
	private static byte[] lines(int first) {
		ByteArrayOutputStream expected = new ByteArrayOutputStream();
		for (int i = first; i < LINES; i++) {
			expected.writeBytes(line(i));
			expected.write('\n');
		}
		return expected.toByteArray();
	}

	/** A FIFO opened read-write and non-blocking, as the event loop's writer has it. */
	private FifoDescriptor writer(String name) throws IOException {
		Path path = this.directory.resolve(name);
		FifoDescriptor.mkfifo(path);
		FifoDescriptor fifo = FifoDescriptor.open(path);
		try {
			fifo.reopen(Posix.O_RDWR | Posix.O_NONBLOCK);
		}
		catch (IOException | RuntimeException ex) {
			fifo.close();
			throw ex;
		}
		return fifo;
	}

	/** Read everything the pipe holds, as a client would. */
	private static void drain(FifoDescriptor fifo, ByteArrayOutputStream target) throws IOException {
		int reader = fifo.openNonBlockingReader();
		try {
			byte[] buffer = new byte[BUFFER_SIZE];
			int read;
			while ((read = Posix.readNow(reader, buffer)) > 0) {
				target.write(buffer, 0, read);
			}
		}
		finally {
			Posix.close(reader);
		}
	}

}
