package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A client that does not read the out pipe: the send path holds no more than the byte
 * bound however large the replies, and with the default overflow policy ({@code block})
 * the channel stops reading its in pipe, so the clients' writes block in the kernel,
 * until a client reads — losing nothing.
 */
class PipeServerBackPressureTests extends PipeServerTestSupport {

	@Test
	void bytesWaitingToBeWrittenNeverExceedTheBoundWithLargeRepliesAndNoReader() throws Exception {
		long bound = 1024 * 1024;
		int replySize = 100 * 1024;
		AtomicLong highest = new AtomicLong();
		AtomicReference<PipeServer> self = new AtomicReference<>();
		// Not on the loop thread, which never waits for room: it overruns the bound by
		// the replies to one chunk (DispatchMode.LOOP), here a hundred requests.
		PipeServer server = this.pipes.server(
				this.pipes.settings().sendQueueMaxBytes(bound).dispatch(DispatchMode.WORKER).build(),
				TestPipes.replying((buffer, offset, length, replies) -> {
					this.pipes.recorder.onLine(buffer, offset, length);
					byte[] reply = new byte[replySize];
					reply[0] = buffer[offset];
					replies.send(reply);
					highest.accumulateAndGet(self.get().getSendQueueBytes(), Math::max);
				}));
		self.set(server);
		server.start();
		PipeTestClient writer = this.pipes.writer();
		int requests = 100; // 10 MB of replies: ten times the bound
		CompletableFuture<Void> writing = CompletableFuture
			.runAsync(() -> writer.sendRaw("r\n".repeat(requests).getBytes(StandardCharsets.US_ASCII)));
		await().atMost(Duration.ofSeconds(10)).until(() -> server.getWaitingForReaderSince() != null);
		// The reader is held up by the full queue: what it holds stays within the bound.
		await().atMost(Duration.ofSeconds(10)).until(() -> server.getSendQueueBytes() > bound - 2 * replySize);
		assertThat(server.getSendQueueBytes()).isLessThanOrEqualTo(bound);
		assertThat(highest.get()).isLessThanOrEqualTo(bound);
		assertThat(this.pipes.recorder.count()).isLessThan(requests);
		try (PipeTestClient reader = this.pipes.reader()) {
			for (int i = 0; i < requests; i++) {
				assertThat(reader.receiveBytes()).hasSize(replySize);
			}
		}
		writing.get(10, TimeUnit.SECONDS);
		assertThat(highest.get()).isLessThanOrEqualTo(bound);
		assertThat(server.getStatistics().getDroppedTotal()).isZero();
		await().atMost(Duration.ofSeconds(5)).until(() -> server.getWaitingForReaderSince() == null);
	}

	@Test
	void aLineLongerThanTheBoundIsSentAlone() throws Exception {
		PipeServer server = this.pipes
			.start(this.pipes.settings().sendQueueMaxBytes(1024).overflow(OverflowPolicy.DROP_NEWEST).build());
		// nobody reads: the writer holds it, blocked on the full pipe
		server.send(new byte[200 * 1024]);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.getSendQueueSize() == 0);
		assertThat(server.getSendQueueBytes()).isEqualTo(200 * 1024);
		server.send("does not fit meanwhile".getBytes(StandardCharsets.UTF_8));
		assertThat(server.getStatistics().getDropped(DropReason.QUEUE_FULL)).isEqualTo(1);
		try (PipeTestClient reader = this.pipes.reader()) {
			assertThat(reader.receiveBytes()).hasSize(200 * 1024);
			await().atMost(Duration.ofSeconds(5)).until(() -> server.getSendQueueBytes() == 0);
			server.send("fits again".getBytes(StandardCharsets.UTF_8));
			assertThat(reader.receive()).isEqualTo("fits again");
		}
	}

	@Test
	void blockStopsReadingTheInPipeUntilAClientReadsAndLosesNothing() throws Exception {
		PipeServer server = startPaddedEcho();
		int requests = 3000; // 300 KB of requests, 12 MB of replies
		PipeTestClient writer = this.pipes.writer();
		CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> writer.sendRaw(requests(requests)));
		// The channel stopped reading: the in pipe fills up and the client's write blocks
		// in the kernel.
		await().atMost(Duration.ofSeconds(10)).until(() -> PipeContents.isFull(this.pipes.in()));
		assertThat(writing).isNotDone();
		assertThat(server.getWaitingForReaderSince()).isNotNull();
		assertThat(this.pipes.recorder.count()).isLessThan(requests);
		try (PipeTestClient reader = this.pipes.reader()) {
			List<String> replies = reader.receiveLines(requests);
			for (int i = 0; i < requests; i++) {
				assertThat(replies.get(i)).startsWith(request(i) + ":").hasSize(101 + 4001);
			}
		}
		writing.get(10, TimeUnit.SECONDS);
		assertThat(this.pipes.recorder.count()).isEqualTo(requests);
		assertThat(server.getStatistics().getDroppedTotal()).isZero();
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.getWaitingForReaderSince() == null);
	}

	@Test
	void blockedChannelStopsWithinTheBound() throws Exception {
		PipeServer server = startPaddedEcho();
		PipeTestClient writer = this.pipes.writer();
		CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> writer.sendRaw(requests(3000)));
		await().atMost(Duration.ofSeconds(10)).until(() -> PipeContents.isFull(this.pipes.in()));
		assertTimeoutPreemptively(TestPipes.STOP_BOUND, () -> server.stop(TestPipes.STOP_TIMEOUT));
		assertThat(server.getState()).isEqualTo(PipeServerState.STOPPED);
		// The writer the deadline aborted, and a reader it gave up on, end once they
		// accounted for their lines: on a busy machine a moment after stop returned.
		await().atMost(Duration.ofSeconds(10)).until(() -> TestPipes.engineThreads().isEmpty());
		// Stopping drains the in pipe and then closes it: the client's blocked write
		// ends, either because its lines were read (and counted as dropped) or with EPIPE
		// once nobody reads.
		await().atMost(Duration.ofSeconds(5)).until(writing::isDone);
	}

	/**
	 * Echoes each request with 4,000 bytes of padding; small bounds, so it fills up
	 * quickly.
	 */
	private PipeServer startPaddedEcho() throws Exception {
		String padding = ":" + "p".repeat(4000);
		PipeServer server = this.pipes.server(this.pipes.settings()
			.sendQueueCapacity(4)
			.sendQueueMaxBytes(64 * 1024)
			.sendTimeout(Duration.ZERO)
			.build(), TestPipes.replying((buffer, offset, length, replies) -> {
				this.pipes.recorder.onLine(buffer, offset, length);
				replies.send((new String(buffer, offset, length, StandardCharsets.US_ASCII) + padding)
					.getBytes(StandardCharsets.US_ASCII));
			}));
		server.start();
		return server;
	}

	/** Numbered requests of 101 bytes each and a newline. */
	private static byte[] requests(int count) {
		StringBuilder requests = new StringBuilder();
		for (int i = 0; i < count; i++) {
			requests.append(request(i)).append('\n');
		}
		return requests.toString().getBytes(StandardCharsets.US_ASCII);
	}

	private static String request(int i) {
		String number = "request-" + i + "-";
		return number + "x".repeat(101 - number.length());
	}

}
