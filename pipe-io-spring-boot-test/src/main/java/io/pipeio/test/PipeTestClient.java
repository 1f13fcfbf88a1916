package io.pipeio.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A client of one pipe-io channel that talks through the real FIFOs exactly as another
 * process would: it opens {@code <channel>.in} for writing only and {@code <channel>.out}
 * for reading only, writes newline-terminated lines and reads the replies.
 * <p>
 * Opening waits at most the client's timeout for the server's end (and a stuck
 * {@code open(2)} is released, so no thread is left behind); every receive waits at most
 * its timeout; a daemon thread reads the out pipe into a queue. A timeout fails with an
 * {@link AssertionError} that names the pipe. Sending is a plain write, as another
 * process's: it blocks while the in pipe is full (64 KiB the server has not read, such as
 * when its channel is paused), so give tests that send much a {@code @Timeout}.
 * <pre class="code">
 * try (PipeTestClient client = PipeTestClient.connect(directory, "echo")) {
 *     assertThat(client.request("hello")).isEqualTo("hello");
 * }
 * </pre>
 *
 * @see PipeIoTest
 */
public final class PipeTestClient implements AutoCloseable {

	/** How long opening and receiving wait unless told otherwise. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final Duration timeout;

	private final @Nullable Path inPath;

	private final @Nullable FileChannel in;

	private final @Nullable LineReceiver receiver;

	private PipeTestClient(Duration timeout, @Nullable Path inPath, @Nullable FileChannel in,
			@Nullable LineReceiver receiver) {
		this.timeout = timeout;
		this.inPath = inPath;
		this.in = in;
		this.receiver = receiver;
	}

	/**
	 * Connect to a channel whose pipes are {@code <directory>/<channel>.in} and
	 * {@code .out}.
	 * @param directory the pipe directory ({@code pipe-io.directory})
	 * @param channel the channel name
	 * @return the connected client
	 */
	public static PipeTestClient connect(Path directory, String channel) {
		Assert.notNull(directory, "'directory' must not be null");
		Assert.hasText(channel, "'channel' must not be empty");
		return connect(directory.resolve(channel + ".in"), directory.resolve(channel + ".out"));
	}

	/**
	 * Connect to a channel's pipes, waiting up to {@link #DEFAULT_TIMEOUT}.
	 * @param in the pipe the server reads
	 * @param out the pipe the server writes
	 * @return the connected client
	 */
	public static PipeTestClient connect(Path in, Path out) {
		return connect(in, out, DEFAULT_TIMEOUT);
	}

	/**
	 * Connect to a channel's pipes: the in pipe first, then the out pipe.
	 * @param in the pipe the server reads
	 * @param out the pipe the server writes
	 * @param timeout how long opening may wait (for a pipe to be created, and then for
	 * the server to hold it), and receiving unless told otherwise
	 * @return the connected client
	 * @throws AssertionError if a pipe was not there, or the server did not hold it open,
	 * within the timeout
	 */
	public static PipeTestClient connect(Path in, Path out, Duration timeout) {
		Assert.notNull(in, "'in' must not be null");
		Assert.notNull(out, "'out' must not be null");
		Assert.notNull(timeout, "'timeout' must not be null");
		FileChannel writing = FifoOpening.open(in, StandardOpenOption.WRITE, timeout);
		try {
			return new PipeTestClient(timeout, in, writing, receiver(out, timeout));
		}
		catch (RuntimeException | Error ex) {
			FifoOpening.closeQuietly(writing);
			throw ex;
		}
	}

	/**
	 * A client that only writes, like {@code printf 'line\n' > channel.in}: it never
	 * opens the out pipe.
	 * @param in the pipe the server reads
	 * @return the client, connected to the in pipe only
	 */
	public static PipeTestClient sender(Path in) {
		Assert.notNull(in, "'in' must not be null");
		return new PipeTestClient(DEFAULT_TIMEOUT, in, FifoOpening.open(in, StandardOpenOption.WRITE, DEFAULT_TIMEOUT),
				null);
	}

	/**
	 * A client that only reads, like {@code cat channel.out}: it never opens the in pipe.
	 * @param out the pipe the server writes
	 * @return the client, connected to the out pipe only
	 */
	public static PipeTestClient receiver(Path out) {
		Assert.notNull(out, "'out' must not be null");
		return new PipeTestClient(DEFAULT_TIMEOUT, null, null, receiver(out, DEFAULT_TIMEOUT));
	}

	/**
	 * Connect to a channel, send one line, wait for one reply line and disconnect.
	 * @param directory the pipe directory
	 * @param channel the channel name
	 * @param line the request, UTF-8
	 * @return the reply, UTF-8
	 */
	public static String request(Path directory, String channel, String line) {
		try (PipeTestClient client = connect(directory, channel)) {
			return client.request(line);
		}
	}

	private static LineReceiver receiver(Path out, Duration timeout) {
		return new LineReceiver(out, FifoOpening.open(out, StandardOpenOption.READ, timeout));
	}

	/**
	 * Send a line and wait for the next reply line.
	 * @param line the request, UTF-8
	 * @return the reply, UTF-8
	 */
	public String request(String line) {
		send(line);
		return receive();
	}

	/**
	 * Write a UTF-8 line; the newline is appended.
	 * @param line the line, without newline
	 */
	public void send(String line) {
		Assert.notNull(line, "'line' must not be null");
		send(line.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Write a line of bytes; the newline is appended.
	 * @param line the line, without newline
	 */
	public void send(byte[] line) {
		Assert.notNull(line, "'line' must not be null");
		byte[] framed = new byte[line.length + 1];
		System.arraycopy(line, 0, framed, 0, line.length);
		framed[line.length] = '\n';
		sendRaw(framed);
	}

	/**
	 * Write bytes as they are: several lines at once, or a part of a line.
	 * @param bytes the bytes
	 */
	public void sendRaw(byte[] bytes) {
		Assert.notNull(bytes, "'bytes' must not be null");
		FileChannel channel = this.in;
		Assert.state(channel != null, "This client only receives: it was not connected to an in pipe");
		try {
			ByteBuffer buffer = ByteBuffer.wrap(bytes);
			while (buffer.hasRemaining()) {
				channel.write(buffer);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write to " + this.inPath, ex);
		}
	}

	/**
	 * Receive the next line as UTF-8, waiting up to the client's timeout.
	 * @return the line, without newline
	 */
	public String receive() {
		return receive(this.timeout);
	}

	/**
	 * Receive the next line as UTF-8.
	 * @param timeout how long to wait
	 * @return the line, without newline
	 * @throws AssertionError if no line came in time or the out pipe ended
	 */
	public String receive(Duration timeout) {
		return new String(receiveBytes(timeout), StandardCharsets.UTF_8);
	}

	/**
	 * Receive the next line's bytes, waiting up to the client's timeout.
	 * @return the line, without newline
	 */
	public byte[] receiveBytes() {
		return receiveBytes(this.timeout);
	}

	/**
	 * Receive the next line's bytes.
	 * @param timeout how long to wait
	 * @return the line, without newline
	 * @throws AssertionError if no line came in time or the out pipe ended
	 */
	public byte[] receiveBytes(Duration timeout) {
		Assert.notNull(timeout, "'timeout' must not be null");
		return receiving().next(timeout);
	}

	/**
	 * Receive {@code count} lines as UTF-8, each waiting up to the client's timeout.
	 * @param count how many lines
	 * @return the lines, in order
	 */
	public List<String> receiveLines(int count) {
		List<String> result = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			result.add(receive());
		}
		return result;
	}

	/**
	 * Return how many lines arrived and were not received yet.
	 * @return the number of lines waiting
	 */
	public int pendingLines() {
		return receiving().pending();
	}

	/**
	 * Return whether the out pipe reached its end: every writer, the server too, closed
	 * it.
	 * @return whether the out pipe ended
	 */
	public boolean isAtEndOfFile() {
		return receiving().isAtEndOfFile();
	}

	private LineReceiver receiving() {
		LineReceiver lines = this.receiver;
		Assert.state(lines != null, "This client only sends: it was not connected to an out pipe");
		return lines;
	}

	/**
	 * Close both pipes; the server sees this client leave. Lines this client read but did
	 * not receive are discarded; replies still in the out pipe, or written after the
	 * close, stay there for the channel's next client, as with any client (the server
	 * keeps what nobody read), so receive every reply a test asked for.
	 */
	@Override
	public void close() {
		FifoOpening.closeQuietly(this.in);
		if (this.receiver != null) {
			this.receiver.close();
		}
	}

	@Override
	public String toString() {
		return "PipeTestClient[in=" + this.inPath + ", out=" + ((this.receiver != null) ? "open" : "none") + "]";
	}

}
