package io.pipeio.test;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A test client of one channel, talking through the real FIFOs like any other process would:
 * lines are written to {@code <channel>.in} and a daemon thread reads {@code <channel>.out} into a
 * queue, so reads can wait with a timeout and nothing in a test blocks forever.
 * <p>
 * The in pipe is opened read-write, which never blocks in {@code open(2)} even when no server
 * reads; the out pipe is opened read-only (as a shell's {@code < file} would), so the client sees
 * EOF once the server closed its end.
 */
public final class FifoClient implements AutoCloseable {

	/** How long {@link #readLine()} waits unless told otherwise. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final Path inPath;

	private final Path outPath;

	private final FileChannel in;

	private final LinkedBlockingQueue<byte[]> lines = new LinkedBlockingQueue<>();

	private final CountDownLatch opened = new CountDownLatch(1);

	private final Thread reader;

	private volatile @Nullable FileChannel out;

	private volatile boolean eof;

	private volatile boolean closed;

	private volatile @Nullable IOException failure;

	private FifoClient(Path inPath, Path outPath) throws IOException {
		this.inPath = inPath;
		this.outPath = outPath;
		this.in = FileChannel.open(inPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
		this.reader = new Thread(this::read, "fifo-client-" + outPath.getFileName());
		this.reader.setDaemon(true);
		this.reader.start();
		try {
			if (!this.opened.await(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				close();
				throw new IOException("Could not open " + outPath + " for reading within " + DEFAULT_TIMEOUT);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			close();
			throw new IOException("Interrupted while opening " + outPath, ex);
		}
		IOException failed = this.failure;
		if (failed != null) {
			close();
			throw failed;
		}
	}

	/**
	 * Attach to a channel whose pipes are {@code <directory>/<channel>.in} and {@code .out}.
	 * @param directory the pipe directory
	 * @param channel the channel name
	 * @return the client
	 */
	public static FifoClient connect(Path directory, String channel) {
		return connect(directory.resolve(channel + ".in"), directory.resolve(channel + ".out"));
	}

	/**
	 * Attach to a channel's pipes.
	 * @param in the pipe the server reads
	 * @param out the pipe the server writes
	 * @return the client
	 */
	public static FifoClient connect(Path in, Path out) {
		try {
			return new FifoClient(in, out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Send one line and wait for the first reply line.
	 * @param directory the pipe directory
	 * @param channel the channel name
	 * @param line the request, UTF-8
	 * @return the reply, UTF-8
	 */
	public static String exchange(Path directory, String channel, String line) {
		try (FifoClient client = connect(directory, channel)) {
			client.send(line);
			return client.readLine();
		}
	}

	/**
	 * Write a UTF-8 line; a newline is appended.
	 * @param line the line
	 */
	public void send(String line) {
		send(line.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Write a line of bytes; a newline is appended.
	 * @param line the line
	 */
	public void send(byte[] line) {
		byte[] framed = new byte[line.length + 1];
		System.arraycopy(line, 0, framed, 0, line.length);
		framed[line.length] = '\n';
		sendRaw(framed);
	}

	/**
	 * Write bytes as they are.
	 * @param bytes the bytes
	 */
	public void sendRaw(byte[] bytes) {
		try {
			ByteBuffer buffer = ByteBuffer.wrap(bytes);
			while (buffer.hasRemaining()) {
				this.in.write(buffer);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write to " + this.inPath, ex);
		}
	}

	/** @return the next reply line as UTF-8, waiting up to {@link #DEFAULT_TIMEOUT} */
	public String readLine() {
		return readLine(DEFAULT_TIMEOUT);
	}

	/**
	 * Read the next reply line as UTF-8.
	 * @param timeout how long to wait
	 * @return the line
	 * @throws AssertionError if no line came in time
	 */
	public String readLine(Duration timeout) {
		return new String(readLineBytes(timeout), StandardCharsets.UTF_8);
	}

	/** @return the next reply line's bytes, waiting up to {@link #DEFAULT_TIMEOUT} */
	public byte[] readLineBytes() {
		return readLineBytes(DEFAULT_TIMEOUT);
	}

	/**
	 * Read the next reply line's bytes.
	 * @param timeout how long to wait
	 * @return the line without its newline
	 * @throws AssertionError if no line came in time
	 */
	public byte[] readLineBytes(Duration timeout) {
		byte[] line = pollLine(timeout);
		if (line == null) {
			throw new AssertionError("No line from " + this.outPath + " within " + timeout
					+ (this.eof ? " (end of file)" : ""));
		}
		return line;
	}

	/**
	 * Read the next reply line if one comes in time.
	 * @param timeout how long to wait
	 * @return the line, or {@code null}
	 */
	public byte @Nullable [] pollLine(Duration timeout) {
		try {
			return this.lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

	/**
	 * Read {@code count} lines as UTF-8.
	 * @param count how many
	 * @return the lines
	 */
	public List<String> readLines(int count) {
		List<String> result = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			result.add(readLine());
		}
		return result;
	}

	/** @return how many reply lines were read and not yet taken */
	public int pendingLines() {
		return this.lines.size();
	}

	/** @return whether the out pipe reached end of file (every writer closed it) */
	public boolean isAtEndOfFile() {
		return this.eof;
	}

	private void read() {
		FileChannel channel;
		try {
			// Blocks until a writer holds the pipe: the running server does (read-write).
			channel = FileChannel.open(this.outPath, StandardOpenOption.READ);
		}
		catch (IOException ex) {
			this.failure = ex;
			this.opened.countDown();
			return;
		}
		this.out = channel;
		this.opened.countDown();
		if (this.closed) {
			closeQuietly(channel);
			return;
		}
		ByteArrayOutputStream current = new ByteArrayOutputStream();
		ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
		try {
			while (!this.closed) {
				buffer.clear();
				int read = channel.read(buffer);
				if (read < 0) {
					this.eof = true;
					break;
				}
				byte[] bytes = buffer.array();
				int start = 0;
				for (int i = 0; i < read; i++) {
					if (bytes[i] == '\n') {
						current.write(bytes, start, i - start);
						this.lines.add(current.toByteArray());
						current.reset();
						start = i + 1;
					}
				}
				current.write(bytes, start, read - start);
			}
		}
		catch (ClosedChannelException ex) {
			// closed by close()
		}
		catch (IOException ex) {
			this.failure = ex;
		}
	}

	@Override
	public void close() {
		this.closed = true;
		closeQuietly(this.in);
		FileChannel channel = this.out;
		if (channel != null) {
			closeQuietly(channel);
		}
		else if (this.reader.isAlive()) {
			// Still blocked opening the out pipe: become a writer for a moment to release it.
			try (FileChannel release = FileChannel.open(this.outPath, StandardOpenOption.READ,
					StandardOpenOption.WRITE)) {
				// opened and closed
			}
			catch (IOException ex) {
				// the pipe is gone; the daemon thread stays blocked
			}
		}
	}

	private static void closeQuietly(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// closing
		}
	}

}
