package io.pipeio.actuate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Talks to a channel like an external client: writes a line to its in pipe, reads a line from its
 * out pipe, with a bounded wait so a broken server fails the test instead of hanging it.
 */
final class FifoLines {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private FifoLines() {
	}

	static void write(Path inPipe, String line) throws Exception {
		CompletableFuture.runAsync(() -> {
			try (FileChannel channel = FileChannel.open(inPipe, StandardOpenOption.WRITE)) {
				ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	static String readLine(Path outPipe) throws Exception {
		return CompletableFuture.supplyAsync(() -> {
			try (FileChannel channel = FileChannel.open(outPipe, StandardOpenOption.READ)) {
				ByteBuffer one = ByteBuffer.allocate(1);
				java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
				while (true) {
					one.clear();
					if (channel.read(one) < 0) {
						throw new IllegalStateException("EOF before a full line");
					}
					if (one.get(0) == '\n') {
						return line.toString(StandardCharsets.UTF_8);
					}
					line.write(one.get(0));
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	static String request(Path directory, String channel, String line) throws Exception {
		write(directory.resolve(channel + ".in"), line);
		return readLine(directory.resolve(channel + ".out"));
	}

}
