package io.pipeio.test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * The server end of a channel for these tests, since this module cannot use pipe-io's own
 * engine: two FIFOs made with the system's {@code mkfifo}, both held read-write (which
 * never blocks), and, when asked, a thread that sends every byte it reads straight back.
 */
final class FifoPeer implements AutoCloseable {

	final Path in;

	final Path out;

	private final FileChannel reading;

	private final FileChannel writing;

	private Thread echo;

	private FifoPeer(Path in, Path out) throws IOException {
		this.in = in;
		this.out = out;
		this.reading = FileChannel.open(in, StandardOpenOption.READ, StandardOpenOption.WRITE);
		this.writing = FileChannel.open(out, StandardOpenOption.READ, StandardOpenOption.WRITE);
	}

	/**
	 * Make {@code <name>.in} and {@code <name>.out} in the directory, without opening
	 * them.
	 */
	static void mkfifos(Path directory, String name) throws IOException, InterruptedException {
		Process process = new ProcessBuilder("mkfifo", "-m", "600", directory.resolve(name + ".in").toString(),
				directory.resolve(name + ".out").toString())
			.inheritIO()
			.start();
		if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
			process.destroyForcibly();
			throw new AssertionError("mkfifo failed");
		}
	}

	/** Make and hold the pipes of a channel that never answers. */
	static FifoPeer silent(Path directory, String name) throws IOException, InterruptedException {
		mkfifos(directory, name);
		return new FifoPeer(directory.resolve(name + ".in"), directory.resolve(name + ".out"));
	}

	/** Make and hold the pipes of a channel that echoes every line. */
	static FifoPeer echo(Path directory, String name) throws IOException, InterruptedException {
		FifoPeer peer = silent(directory, name);
		peer.echo = new Thread(peer::echo, "fifo-peer-echo");
		peer.echo.setDaemon(true);
		peer.echo.start();
		return peer;
	}

	private void echo() {
		ByteBuffer buffer = ByteBuffer.allocate(4096);
		try {
			while (this.reading.read(buffer.clear()) >= 0) {
				buffer.flip();
				while (buffer.hasRemaining()) {
					this.writing.write(buffer);
				}
			}
		}
		catch (IOException ex) {
			// Closed by the test.
		}
	}

	/**
	 * Write to the out pipe, then close this end of it: a client that reads sees the end
	 * of file.
	 */
	void writeAndCloseOut(String text) throws IOException {
		this.writing.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
		this.writing.close();
	}

	@Override
	public void close() throws Exception {
		this.reading.close();
		this.writing.close();
		if (this.echo != null) {
			this.echo.join(10_000);
		}
	}

}
