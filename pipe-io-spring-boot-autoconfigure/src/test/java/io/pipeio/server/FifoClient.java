package io.pipeio.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * A client of a channel as a real process would be one: it opens the FIFOs with plain
 * {@code open(2)} (write-only for the in pipe, read-only for the out pipe), which blocks while the
 * server end is missing. Every open is therefore done on a separate thread and bounded, and a
 * blocked open is released before the test fails, so a broken server gives a failure, not a hang.
 */
final class FifoClient implements AutoCloseable {

	static final Duration OPEN_TIMEOUT = Duration.ofSeconds(5);

	static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

	final LineWriter writer;

	final LineReader reader;

	private FifoClient(LineWriter writer, LineReader reader) {
		this.writer = writer;
		this.reader = reader;
	}

	/** Open the in pipe for writing, then the out pipe for reading. */
	static FifoClient attach(Path in, Path out) {
		LineWriter writer = writer(in);
		try {
			return new FifoClient(writer, reader(out));
		}
		catch (RuntimeException | Error ex) {
			writer.close();
			throw ex;
		}
	}

	static LineWriter writer(Path in) {
		return new LineWriter(open(in, StandardOpenOption.WRITE));
	}

	static LineReader reader(Path out) {
		return new LineReader(open(out, StandardOpenOption.READ));
	}

	/** Write a line and return the next line read back. */
	String roundTrip(String line) {
		this.writer.writeLine(line);
		return this.reader.nextLine();
	}

	byte[] roundTrip(byte[] line) {
		this.writer.write(line);
		this.writer.write(new byte[] { '\n' });
		return this.reader.next();
	}

	@Override
	public void close() {
		this.writer.close();
		this.reader.close();
	}

	/**
	 * Open a FIFO with a plain (blocking) open, waiting at most {@link #OPEN_TIMEOUT}.
	 * @throws AssertionError if the open blocked that long (the server end is not open)
	 */
	static FileChannel open(Path fifo, StandardOpenOption mode) {
		CompletableFuture<FileChannel> opening = new CompletableFuture<>();
		Thread opener = new Thread(() -> {
			try {
				opening.complete(FileChannel.open(fifo, mode));
			}
			catch (IOException | RuntimeException ex) {
				opening.completeExceptionally(ex);
			}
		}, "test-client-open");
		opener.setDaemon(true);
		opener.start();
		try {
			return opening.get(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			TestPipes.release(fifo);
			opening.thenAccept(FifoClient::closeQuietly);
			throw new AssertionError("Opening " + fifo + " for " + mode + " blocked for " + OPEN_TIMEOUT
					+ ": the server does not hold it open");
		}
		catch (ExecutionException ex) {
			throw new AssertionError("Opening " + fifo + " for " + mode + " failed", ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while opening " + fifo, ex);
		}
	}

	static void closeQuietly(@Nullable FileChannel channel) {
		try {
			if (channel != null) {
				channel.close();
			}
		}
		catch (IOException ex) {
			// Closing a FIFO descriptor only fails if it is already closed.
		}
	}

	/**
	 * The write end of a client: the in pipe opened write-only.
	 */
	static final class LineWriter implements AutoCloseable {

		private final FileChannel channel;

		LineWriter(FileChannel channel) {
			this.channel = channel;
		}

		void writeLine(String line) {
			write((line + "\n").getBytes(StandardCharsets.UTF_8));
		}

		void write(byte[] bytes) {
			try {
				ByteBuffer buffer = ByteBuffer.wrap(bytes);
				while (buffer.hasRemaining()) {
					this.channel.write(buffer);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void close() {
			closeQuietly(this.channel);
		}

	}

	/**
	 * The read end of a client: the out pipe opened read-only, read by a background thread that
	 * splits it into lines, so tests wait for a line with a timeout instead of blocking in read.
	 */
	static final class LineReader implements AutoCloseable {

		private static final byte[] EOF = new byte[0];

		private final FileChannel channel;

		private final LinkedBlockingQueue<byte[]> lines = new LinkedBlockingQueue<>();

		private final Thread thread;

		private volatile boolean eof;

		private volatile @Nullable IOException failure;

		LineReader(FileChannel channel) {
			this.channel = channel;
			this.thread = new Thread(this::run, "test-client-reader");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		private void run() {
			ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			try {
				while (this.channel.read(buffer.clear()) >= 0) {
					byte[] bytes = buffer.array();
					int start = 0;
					for (int i = 0; i < buffer.position(); i++) {
						if (bytes[i] == '\n') {
							line.write(bytes, start, i - start);
							this.lines.add(line.toByteArray());
							line.reset();
							start = i + 1;
						}
					}
					line.write(bytes, start, buffer.position() - start);
				}
				this.eof = true;
			}
			catch (ClosedChannelException ex) {
				// Closed by the test.
			}
			catch (IOException ex) {
				this.failure = ex;
			}
			this.lines.add(EOF);
		}

		/** @return the next line, waiting at most {@link #READ_TIMEOUT} */
		byte[] next() {
			return next(READ_TIMEOUT);
		}

		byte[] next(Duration timeout) {
			try {
				byte[] line = this.lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
				if (line == null) {
					throw new AssertionError("No line arrived within " + timeout);
				}
				if (line == EOF) {
					this.lines.add(EOF);
					throw new AssertionError("The out pipe ended (eof=" + this.eof + ", failure=" + this.failure + ")");
				}
				return line;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}

		String nextLine() {
			return new String(next(), StandardCharsets.UTF_8);
		}

		List<String> nextLines(int count) {
			List<String> result = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				result.add(nextLine());
			}
			return result;
		}

		/** @return whether the pipe reached end of file (every writer closed it) */
		boolean isEof() {
			return this.eof;
		}

		@Override
		public void close() {
			closeQuietly(this.channel);
			try {
				this.thread.join(READ_TIMEOUT.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
