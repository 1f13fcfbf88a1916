package io.pipeio.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What comes out of the in pipe: every complete line, byte for byte, in order, through an
 * echo server and back, whatever its content and size; over-size lines are dropped and
 * reported.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipeServerReceiveTests extends PipeServerTestSupport {

	@ParameterizedTest
	@ValueSource(strings = { "hello", "", " spaced out ", "tab\tand\rcarriage return", "ünïcödé ÄÖÜß", "日本語のテキスト",
			"emoji 😀🚀 and more", "Ελληνικά και кириллица", "\u0000nul\u0000" })
	void textRoundTrips(String text) throws Exception {
		this.pipes.startEcho(this.pipes.settings().build());
		try (PipeTestClient client = this.pipes.client()) {
			assertThat(client.request(text)).isEqualTo(text);
		}
	}

	@Test
	void aLineWaitingInThePipeAtStartIsAnswered() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		TestPipes.mkfifo(this.pipes.out());
		// Read-write holders: the pipes outlive each server, and the line waits in one.
		try (FileChannel in = FileChannel.open(this.pipes.in(), StandardOpenOption.READ, StandardOpenOption.WRITE);
				FileChannel out = FileChannel.open(this.pipes.out(), StandardOpenOption.READ,
						StandardOpenOption.WRITE)) {
			// The reply could race the start: many starts, so that a race shows.
			for (int run = 0; run < 80; run++) {
				in.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.UTF_8)));
				PipeServer server = new PipeServer(
						this.pipes.settings()
							.managePipes(false)
							.dispatch((run % 2 == 0) ? DispatchMode.LOOP : DispatchMode.AUTO)
							.build(),
						TestPipes.replying((buffer, offset, length, replies) -> replies
							.send(Arrays.copyOfRange(buffer, offset, offset + length))));
				server.start();
				await().atMost(Duration.ofSeconds(5)).until(() -> server.getStatistics().getReceivedMessages() == 1);
				server.stop(Duration.ofSeconds(2));
				assertThat(server.getStatistics().getDroppedTotal())
					.as("drops of start %d: %s", run, server.getStatistics().getLastError())
					.isZero();
				assertThat(server.getStatistics().getSentMessages()).isEqualTo(1);
			}
		}
	}

	@Test
	void hundredRoundTripsOf512Characters() throws Exception {
		this.pipes.startEcho(this.pipes.settings().build());
		Random random = new Random(512);
		try (PipeTestClient client = this.pipes.client()) {
			for (int i = 0; i < 100; i++) {
				StringBuilder line = new StringBuilder();
				for (int c = 0; c < 512; c++) {
					line.append((char) ('!' + random.nextInt(94)));
				}
				assertThat(client.request(line.toString())).isEqualTo(line.toString());
			}
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 1 << 10, 4 << 10, 16 << 10, (64 << 10) + 1, 1 << 20, 4 << 20, 16 << 20 })
	void binaryLinesFrom1KiBTo16MiB(int size) throws Exception {
		this.pipes.startEcho(this.pipes.settings().maxMessageSize(16 << 20).build());
		byte[] line = randomLine(new Random(size), size);
		try (PipeTestClient client = this.pipes.client()) {
			// A big line does not fit into the pipes: the client must read the echo while
			// it writes.
			CompletableFuture<Void> writing = writeAsync(client, concat(List.of(line)));
			assertThat(client.receiveBytes(Duration.ofSeconds(30))).isEqualTo(line);
			writing.get(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void randomBinaryLinesOf1To1024Bytes() throws Exception {
		this.pipes.startEcho(this.pipes.settings().build());
		Random random = new Random(2222);
		List<byte[]> lines = new ArrayList<>();
		for (int i = 0; i < 2222; i++) {
			lines.add(randomLine(random, 1 + random.nextInt(1024)));
		}
		try (PipeTestClient client = this.pipes.client()) {
			CompletableFuture<Void> writing = writeAsync(client, concat(lines));
			for (int i = 0; i < lines.size(); i++) {
				assertThat(client.receiveBytes()).as("line %d", i).isEqualTo(lines.get(i));
			}
			writing.get(30, TimeUnit.SECONDS);
		}
	}

	/**
	 * A line of k newline characters followed by the final newline is k + 1 empty
	 * messages.
	 */
	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 2, 10, 1000, 100_000 })
	void newlinesAreEmptyMessages(int k) throws Exception {
		this.pipes.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.sendRaw("\n".repeat(k + 1).getBytes(StandardCharsets.US_ASCII));
			writer.send("end");
		}
		List<String> received = this.pipes.recorder.awaitStrings(k + 2);
		assertThat(received).hasSize(k + 2);
		assertThat(received.subList(0, k + 1)).allMatch(String::isEmpty);
		assertThat(received.get(k + 1)).isEqualTo("end");
	}

	@Test
	void jsonWithEscapedNewlinesIsOneMessage() throws Exception {
		this.pipes.startEcho(this.pipes.settings().build());
		String json = "{\"text\":\"first line\\nsecond line\\r\\n\",\"nested\":{\"list\":[1,\"a\\\\nb\"]}}";
		try (PipeTestClient client = this.pipes.client()) {
			assertThat(client.request(json)).isEqualTo(json);
		}
		assertThat(this.pipes.recorder.strings()).containsExactly(json);
	}

	@Test
	void overSizeLineIsDroppedAndTheNextServed() throws Exception {
		PipeServer server = this.pipes.start(this.pipes.settings().maxMessageSize(1000).build());
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("before");
			writer.send("x".repeat(1001));
			// Longer than the read buffer too: discarded across several reads, memory
			// stays bounded.
			writer.send("y".repeat(300_000));
			writer.send("x".repeat(1000));
			writer.send("after");
		}
		assertThat(this.pipes.recorder.awaitStrings(3)).containsExactly("before", "x".repeat(1000), "after");
		assertThat(this.pipes.recorder.drops).containsExactly(new Recorder.Drop(DropReason.TOO_LARGE, 1001),
				new Recorder.Drop(DropReason.TOO_LARGE, 300_000));
		assertThat(server.getStatistics().getDropped(DropReason.TOO_LARGE)).isEqualTo(2);
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
	}

	static byte[] randomLine(Random random, int size) {
		byte[] line = new byte[size];
		random.nextBytes(line);
		for (int i = 0; i < size; i++) {
			if (line[i] == '\n') {
				line[i] = (byte) random.nextInt('\n');
			}
		}
		return line;
	}

	/**
	 * @return the lines joined, each followed by a newline
	 */
	static byte[] concat(List<byte[]> lines) {
		ByteArrayOutputStream stream = new ByteArrayOutputStream();
		for (byte[] line : lines) {
			stream.writeBytes(line);
			stream.write('\n');
		}
		return stream.toByteArray();
	}

	/**
	 * Write from a separate thread, so the test thread can read the echo at the same
	 * time.
	 */
	static CompletableFuture<Void> writeAsync(PipeTestClient client, byte[] bytes) {
		CompletableFuture<Void> done = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				client.sendRaw(bytes);
				done.complete(null);
			}
			catch (RuntimeException ex) {
				done.completeExceptionally(ex);
			}
		}, "test-client-writer");
		thread.setDaemon(true);
		thread.start();
		return done;
	}

}
