package io.pipeio.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The reading half of a {@link PipeTestClient}: a daemon thread reads the out pipe and
 * splits it into lines, so a test waits for a line with a timeout instead of blocking in
 * {@code read(2)}. Closing the channel releases that thread (a platform thread: a virtual
 * one would not be released).
 */
final class LineReceiver implements AutoCloseable {

	/**
	 * Queued after the last line when the pipe ended or failed, so a waiting test learns
	 * it at once.
	 */
	private static final byte[] END = new byte[0];

	private final Path path;

	private final FileChannel channel;

	private final LinkedBlockingQueue<byte[]> lines = new LinkedBlockingQueue<>();

	private final Thread thread;

	private volatile boolean endOfFile;

	private volatile int unterminatedBytes;

	private volatile @Nullable IOException failure;

	LineReceiver(Path path, FileChannel channel) {
		this.path = path;
		this.channel = channel;
		this.thread = new Thread(this::run, FifoOpening.THREAD_PREFIX + "read-" + path.getFileName());
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
		ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		try {
			int read;
			while ((read = this.channel.read(buffer.clear())) >= 0) {
				byte[] bytes = buffer.array();
				int start = 0;
				for (int i = 0; i < read; i++) {
					if (bytes[i] == '\n') {
						line.write(bytes, start, i - start);
						this.lines.add(line.toByteArray());
						line.reset();
						start = i + 1;
					}
				}
				line.write(bytes, start, read - start);
			}
			// Counted, not silently lost: a reply cut short shows in the failure message
			// of receive.
			this.unterminatedBytes = line.size();
			this.endOfFile = true;
		}
		catch (ClosedChannelException ex) {
			// Closed by the test.
		}
		catch (IOException ex) {
			this.failure = ex;
		}
		this.lines.add(END);
	}

	/**
	 * Take the next line, waiting at most {@code timeout}.
	 * @throws AssertionError if none came in time or the pipe ended first
	 */
	byte[] next(Duration timeout) {
		byte[] line;
		try {
			line = this.lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for a line from " + this.path, ex);
		}
		if (line == null) {
			throw new AssertionError("No line from " + this.path + " within " + timeout.toMillis() + "ms");
		}
		if (line == END) {
			this.lines.add(END);
			throw ended();
		}
		return line;
	}

	private AssertionError ended() {
		IOException failed = this.failure;
		if (failed != null) {
			return new AssertionError("Reading " + this.path + " failed", failed);
		}
		if (this.endOfFile) {
			return new AssertionError(
					"No more lines from " + this.path + ": every writer closed it" + ((this.unterminatedBytes > 0)
							? " (" + this.unterminatedBytes + " bytes without newline at the end)" : ""));
		}
		return new AssertionError("No more lines from " + this.path + ": the client is closed");
	}

	int pending() {
		return (int) this.lines.stream().filter((line) -> line != END).count();
	}

	boolean isAtEndOfFile() {
		return this.endOfFile;
	}

	@Override
	public void close() {
		FifoOpening.closeQuietly(this.channel);
		try {
			// Closing releases the blocked read at once (AsynchronousCloseException);
			// bounded all the same.
			this.thread.join(PipeTestClient.DEFAULT_TIMEOUT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
