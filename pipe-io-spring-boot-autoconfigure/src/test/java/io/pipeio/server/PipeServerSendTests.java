package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * What goes into the out pipe: whole lines in order from any number of senders, kept in
 * the pipe while no client reads, and clear failures when a line cannot be queued.
 */
class PipeServerSendTests extends PipeServerTestSupport {

	@Test
	void linesSentWithoutAClientWaitInThePipeForTheNextReader() throws Exception {
		PipeServer server = this.pipes.start();
		for (int i = 0; i < 3; i++) {
			server.send(("queued-" + i).getBytes(StandardCharsets.UTF_8));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.getStatistics().getSentMessages() == 3);
		try (PipeTestClient reader = this.pipes.reader()) {
			assertThat(reader.receiveLines(3)).containsExactly("queued-0", "queued-1", "queued-2");
		}
	}

	@Test
	void clientClosingItsReadEndLeavesTheReplyForTheNextReader() throws Exception {
		PipeServer server = this.pipes.startEcho(this.pipes.settings().build());
		try (PipeTestClient writer = this.pipes.writer()) {
			try (PipeTestClient reader = this.pipes.reader()) {
				writer.send("first");
				assertThat(reader.receive()).isEqualTo("first");
			}
			writer.send("second");
			await().atMost(Duration.ofSeconds(5)).until(() -> server.getStatistics().getSentMessages() == 2);
			try (PipeTestClient reader = this.pipes.reader()) {
				assertThat(reader.receive()).isEqualTo("second");
				writer.send("third");
				assertThat(reader.receive()).isEqualTo("third");
			}
		}
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
	}

	@Test
	void concurrentSendersGetWholeLinesInTheirOwnOrder() throws Exception {
		PipeServer server = this.pipes.start();
		int senders = 4;
		int count = 2000;
		ExecutorService executor = Executors.newFixedThreadPool(senders);
		try (PipeTestClient reader = this.pipes.reader()) {
			List<CompletableFuture<Void>> sending = new ArrayList<>();
			for (int s = 0; s < senders; s++) {
				String id = "s" + s;
				sending.add(CompletableFuture.runAsync(() -> {
					for (int i = 0; i < count; i++) {
						// Up to 40 KB: lines longer than the write buffer are written in
						// several parts.
						String padding = ((i % 97) == 0) ? "p".repeat(40_000) : "p".repeat(i % 300);
						server.send((id + ":" + i + ":" + padding).getBytes(StandardCharsets.UTF_8));
					}
				}, executor));
			}
			Map<String, Integer> next = new HashMap<>();
			for (String line : reader.receiveLines(senders * count)) {
				String[] parts = line.split(":", -1);
				int index = Integer.parseInt(parts[1]);
				assertThat(index).as(parts[0]).isEqualTo(next.getOrDefault(parts[0], 0));
				assertThat(parts[2]).hasSize(((index % 97) == 0) ? 40_000 : index % 300);
				next.put(parts[0], index + 1);
			}
			CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void fullQueueFailsAfterTheSendTimeoutNamingTheChannel() throws Exception {
		PipeServer server = this.pipes.start(TestPipes.settings("orders", this.pipes.in(), this.pipes.out())
			.sendQueueCapacity(1)
			.sendTimeout(Duration.ofMillis(200))
			.build());
		// Nobody reads: the writer blocks on a line larger than the pipe, one more line
		// fills the queue.
		server.send(new byte[256 * 1024]);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.getSendQueueSize() == 0);
		server.send("fills the queue".getBytes(StandardCharsets.UTF_8));
		long start = System.nanoTime();
		assertThatExceptionOfType(PipeSendException.class)
			.isThrownBy(() -> server.send("no room".getBytes(StandardCharsets.UTF_8)))
			.withMessageContaining("'orders'")
			.satisfies((ex) -> assertThat(ex.getChannel()).isEqualTo("orders"));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
		assertThat(this.pipes.recorder.drops).containsExactly(new Recorder.Drop(DropReason.QUEUE_FULL, 7));
		assertThat(server.getStatistics().getDropped(DropReason.QUEUE_FULL)).isEqualTo(1);
	}

	@Test
	void sendFromTheCallbackOfAWrittenLineDoesNotWaitForRoomOnlyItsOwnThreadCanMake() throws Exception {
		PipeServer server = this.pipes.start(TestPipes.settings("orders", this.pipes.in(), this.pipes.out())
			.sendQueueCapacity(1)
			.sendTimeout(Duration.ofSeconds(60))
			.build());
		// Nobody reads yet: the writer blocks on a line larger than the pipe.
		byte[] large = new byte[256 * 1024];
		Arrays.fill(large, (byte) 'a');
		CompletableFuture<Void> written = server.sendAsync(large);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.getSendQueueSize() == 0);
		server.send("queued".getBytes(StandardCharsets.UTF_8)); // the queue is full now
		// Runs where the future completes: on the thread that wrote the line, while the
		// queue is still full. Waiting there for room would wait for itself.
		CompletableFuture<Void> followUp = written
			.thenRun(() -> server.send("follow-up".getBytes(StandardCharsets.UTF_8)));
		try (PipeTestClient reader = this.pipes.reader()) {
			assertThat(reader.receiveBytes()).hasSize(large.length);
			assertThat(reader.receiveLines(2)).containsExactly("queued", "follow-up");
		}
		followUp.get(5, TimeUnit.SECONDS);
		assertThat(server.getStatistics().getDroppedTotal()).isZero();
	}

	@Test
	void aLineSentWhileTheChannelStartsIsWritten() throws Exception {
		PipeServer server = this.pipes.server(this.pipes.settings().build());
		CompletableFuture<CompletableFuture<Void>> accepted = new CompletableFuture<>();
		Thread sender = new Thread(() -> {
			// The first send the starting channel takes: usually one before its writer
			// is there.
			while (!accepted.isDone()) {
				CompletableFuture<Void> written = server.sendAsync("early".getBytes(StandardCharsets.UTF_8));
				if (!written.isCompletedExceptionally()) {
					accepted.complete(written);
				}
			}
		});
		sender.start();
		try {
			server.start();
			accepted.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
			assertThat(server.getStatistics().getSentMessages()).isOne();
		}
		finally {
			accepted.complete(null);
			sender.join();
		}
	}

	@Test
	void lineContainingNewlineIsRejected() throws Exception {
		PipeServer server = this.pipes.start();
		byte[] twoLines = "two\nlines".getBytes(StandardCharsets.UTF_8);
		assertThatIllegalArgumentException().isThrownBy(() -> server.send(twoLines)).withMessageContaining("'test'");
		assertThatIllegalArgumentException().isThrownBy(() -> server.sendAsync(new byte[] { 'a', '\n' }));
		assertThatIllegalArgumentException().isThrownBy(() -> server.send(new byte[] { '\n' }));
		assertThat(server.getSendQueueSize()).isZero();
		try (PipeTestClient reader = this.pipes.reader()) {
			server.send(new byte[0]);
			assertThat(reader.receive()).isEmpty();
		}
		// Counted once the writer's write returned, which may be just after the client
		// read the line.
		await().atMost(Duration.ofSeconds(5)).until(() -> server.getStatistics().getSentMessages() == 1);
	}

	@Test
	void sendWhenNotRunningFailsNamingTheChannel() throws Exception {
		PipeServer server = this.pipes.server(this.pipes.settings().build());
		assertThatExceptionOfType(PipeSendException.class).isThrownBy(() -> server.send(new byte[] { 'x' }))
			.withMessageContaining("'test'");
		server.start();
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThatExceptionOfType(PipeSendException.class).isThrownBy(() -> server.send(new byte[] { 'x' }))
			.withMessageContaining("'test'");
		assertThat(server.sendAsync(new byte[] { 'x' })).isCompletedExceptionally();
	}

	@Test
	void sendAsyncCompletesOnceWritten() throws Exception {
		PipeServer server = this.pipes.start();
		try (PipeTestClient reader = this.pipes.reader()) {
			CompletableFuture<Void> written = server.sendAsync("async".getBytes(StandardCharsets.UTF_8));
			written.get(5, TimeUnit.SECONDS);
			assertThat(reader.receive()).isEqualTo("async");
		}
	}

	@Test
	void linesThrownAwayWhileTheWriterIsInTheMiddleOfOneAreEachCountedOnce() throws Exception {
		PipeServer server = this.pipes.start();
		List<CompletableFuture<Void>> written = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			// 200 KB for a pipe of 64 KiB: the writer goes on with the rest as the
			// discard makes room, and is in the middle of a line at some of its looks
			written
				.add(server.sendAsync((String.format("%04d", i) + "x".repeat(996)).getBytes(StandardCharsets.UTF_8)));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> PipeContents.unreadBytes(this.pipes.out()) > 32 * 1024);
		long discarded = server.discardUnread();
		CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
		assertThat(PipeContents.unreadBytes(this.pipes.out())).isZero();
		assertThat(discarded).isEqualTo(200);
		assertThat(server.getStatistics().getDropped(DropReason.ABANDONED)).isEqualTo(200);
	}

}
