package io.pipeio.sample;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A channel's two FIFOs, made in a directory and held open read-write by a test in the
 * place of a server: a client's opens never wait, and nobody answers unless the test
 * does.
 *
 * @param name the channel
 * @param in its in pipe, which clients write
 * @param out its out pipe, which clients read
 */
record FakeChannel(String name, FileChannel in, FileChannel out) {

	static FakeChannel create(Path directory, String name) throws IOException, InterruptedException {
		Path in = directory.resolve(name + ".in");
		Path out = directory.resolve(name + ".out");
		assertThat(
				new ProcessBuilder("mkfifo", "-m", "600", in.toString(), out.toString()).inheritIO().start().waitFor())
			.isZero();
		return new FakeChannel(name, FileChannel.open(in, StandardOpenOption.READ, StandardOpenOption.WRITE),
				FileChannel.open(out, StandardOpenOption.READ, StandardOpenOption.WRITE));
	}

	/**
	 * Read the in pipe until a whole request line is there.
	 * @return the line, without its newline
	 * @throws IOException if the pipe cannot be read
	 */
	String readRequest() throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(4096);
		int newline = -1;
		while (newline < 0 && this.in.read(buffer) > 0) {
			for (int i = 0; i < buffer.position() && newline < 0; i++) {
				newline = (buffer.get(i) == '\n') ? i : -1;
			}
		}
		return new String(buffer.array(), 0, Math.max(newline, 0), StandardCharsets.UTF_8);
	}

	/**
	 * What the out pipe holds now, read up to an end mark written after it.
	 * @return the bytes nobody read, as text
	 * @throws IOException if the pipe cannot be written or read
	 */
	String unread() throws IOException {
		String end = "end of the test";
		this.out.write(ByteBuffer.wrap((end + "\n").getBytes(StandardCharsets.UTF_8)));
		ByteBuffer buffer = ByteBuffer.allocate(4096);
		String read = "";
		while (!read.endsWith(end + "\n") && this.out.read(buffer) > 0) {
			read = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
		}
		return read.substring(0, read.length() - end.length() - 1);
	}

	/**
	 * Run a task that blocks (a fake server reading its request, a writer feeding a
	 * plug-in) on a thread of its own. Not on the common pool: with two CPUs it has a
	 * single thread, which one blocked task, this test's or an earlier one's in the same
	 * JVM, holds from every other.
	 * @param task the task
	 * @return its completion
	 */
	static CompletableFuture<Void> onItsOwnThread(Runnable task) {
		return CompletableFuture.runAsync(task, (runnable) -> {
			Thread thread = new Thread(runnable, "fake-channel-task");
			thread.setDaemon(true);
			thread.start();
		});
	}

}
