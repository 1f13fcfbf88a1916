package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Each overflow policy with a full send queue and no client reading: what is dropped,
 * what the sender is told, what is counted, and what a client reads once it comes. Each
 * test first blocks the writer with a line larger than the pipe, then fills the queue
 * (capacity 2). The send timeout is a minute, so a send that waits for it fails its test.
 */
class PipeServerOverflowTests extends PipeServerTestSupport {

	private static final int BLOCKING_LINE = 256 * 1024;

	private static final Duration AT_ONCE = Duration.ofSeconds(10);

	@Test
	void dropNewestDropsTheLineThatDoesNotFitAndCountsIt() throws Exception {
		PipeServer server = startFull(OverflowPolicy.DROP_NEWEST, "a", "b");
		assertTimeoutPreemptively(AT_ONCE, () -> server.send(line("c")));
		CompletableFuture<Void> async = server.sendAsync(line("d"));
		assertThat(async).isCompletedExceptionally();
		assertThat(server.getStatistics().getDropped(DropReason.QUEUE_FULL)).isEqualTo(2);
		assertThat(this.pipes.recorder.drops).containsExactly(new Recorder.Drop(DropReason.QUEUE_FULL, 1),
				new Recorder.Drop(DropReason.QUEUE_FULL, 1));
		assertThat(server.getWaitingForReaderSince()).isNotNull();
		assertThat(readAfterTheBlockingLine(server, 2)).containsExactly("a", "b", "end");
	}

	@Test
	void aLineDroppedAsTheQueueIsFullIsGivenToTheListenerEvenIfAFirstDropActionThrows() throws Exception {
		PipeServer server = startFull(OverflowPolicy.DROP_NEWEST, "a", "b");
		server.getStatistics().forEachDropReason((reason) -> {
			throw new IllegalStateException("no meter for " + reason.tag());
		});
		assertThatIllegalStateException().isThrownBy(() -> server.send(line("c")))
			.withMessage("no meter for queue-full");
		assertThat(server.getStatistics().getDropped(DropReason.QUEUE_FULL)).isOne();
		assertThat(this.pipes.recorder.droppedLines).extracting(Recorder.DroppedLine::reason)
			.containsExactly(DropReason.QUEUE_FULL);
		assertThat(readAfterTheBlockingLine(server, 2)).containsExactly("a", "b", "end");
	}

	@Test
	void dropOldestDropsTheOldestQueuedLineAndFailsItsFuture() throws Exception {
		PipeServer server = startFull(OverflowPolicy.DROP_OLDEST);
		CompletableFuture<Void> first = server.sendAsync(line("a"));
		server.send(line("b"));
		assertTimeoutPreemptively(AT_ONCE, () -> server.send(line("c")));
		assertThat(first).isCompletedExceptionally();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(first::get)
			.withCauseInstanceOf(PipeSendException.class);
		assertThat(server.getStatistics().getDropped(DropReason.QUEUE_FULL)).isEqualTo(1);
		assertThat(this.pipes.recorder.drops).containsExactly(new Recorder.Drop(DropReason.QUEUE_FULL, 1));
		assertThat(readAfterTheBlockingLine(server, 2)).containsExactly("b", "c", "end");
	}

	@Test
	void failThrowsAtOnceAndCountsTheLine() throws Exception {
		PipeServer server = startFull(OverflowPolicy.FAIL, "a", "b");
		assertTimeoutPreemptively(AT_ONCE,
				() -> assertThatExceptionOfType(PipeSendException.class).isThrownBy(() -> server.send(line("c")))
					.withMessageContaining("'test'")
					.withMessageContaining("the send queue (2 lines, 64MB) is full (overflow fail)"));
		assertThat(server.sendAsync(line("d"))).isCompletedExceptionally();
		assertThat(server.getStatistics().getDropped(DropReason.QUEUE_FULL)).isEqualTo(2);
		assertThat(readAfterTheBlockingLine(server, 2)).containsExactly("a", "b", "end");
	}

	@Test
	void failReachesAHandlerWhoseReplyDoesNotFit() throws Exception {
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		PipeServer server = startFullReplying(OverflowPolicy.FAIL, failures);
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.sendRaw("x1\nx2\nx3\n".getBytes(StandardCharsets.US_ASCII));
			this.pipes.recorder.awaitCount(3, Duration.ofSeconds(10));
		}
		assertThat(failures).hasSize(3)
			.allSatisfy((failure) -> assertThat(failure).isInstanceOf(PipeSendException.class));
		assertThat(server.getStatistics().getDropped(DropReason.QUEUE_FULL)).isEqualTo(3);
		assertThat(readAfterTheBlockingLine(server, 2)).containsExactly("a", "b", "end");
	}

	@Test
	void dropNewestKeepsTheReaderReadingAndDropsItsReplies() throws Exception {
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		PipeServer server = startFullReplying(OverflowPolicy.DROP_NEWEST, failures);
		try (PipeTestClient writer = this.pipes.writer()) {
			for (int i = 0; i < 10; i++) {
				writer.send("x" + i);
			}
			this.pipes.recorder.awaitCount(10, Duration.ofSeconds(10));
		}
		assertThat(failures).isEmpty();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> server.getStatistics().getDropped(DropReason.QUEUE_FULL) == 10);
		assertThat(readAfterTheBlockingLine(server, 2)).containsExactly("a", "b", "end");
	}

	@Test
	void dropOldestFromTheReaderKeepsTheNewestReplies() throws Exception {
		PipeServer server = startFullReplying(OverflowPolicy.DROP_OLDEST, new CopyOnWriteArrayList<>());
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.sendRaw("x1\nx2\nx3\n".getBytes(StandardCharsets.US_ASCII));
			this.pipes.recorder.awaitCount(3, Duration.ofSeconds(10));
		}
		await().atMost(Duration.ofSeconds(5))
			.until(() -> server.getStatistics().getDropped(DropReason.QUEUE_FULL) == 3);
		assertThat(readAfterTheBlockingLine(server, 2)).containsExactly("re:x2", "re:x3", "end");
	}

	@Test
	void blockFailsASendFromAnotherThreadAfterTheSendTimeoutAndCountsIt() throws Exception {
		PipeServer server = startFull(
				this.pipes.settings().sendQueueCapacity(2).sendTimeout(Duration.ofMillis(100)).build(), "a", "b");
		assertThatExceptionOfType(PipeSendException.class).isThrownBy(() -> server.send(line("c")))
			.withMessageContaining("stayed full for 100ms");
		assertThat(server.getStatistics().getDropped(DropReason.QUEUE_FULL)).isEqualTo(1);
		assertThat(readAfterTheBlockingLine(server, 2)).containsExactly("a", "b", "end");
	}

	@Test
	void blockFailsAPlainSendFromTheHandlerAfterTheSendTimeout() throws Exception {
		// Only a reply through the handler's sink waits for room without a time limit.
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		AtomicReference<PipeServer> self = new AtomicReference<>();
		PipeServer server = this.pipes.server(
				this.pipes.settings().sendQueueCapacity(2).sendTimeout(Duration.ofMillis(100)).build(),
				(buffer, offset, length) -> {
					try {
						self.get().send(line("plain"));
					}
					catch (PipeSendException ex) {
						failures.add(ex);
					}
				});
		self.set(server);
		server.start();
		blockTheWriter(server);
		server.send(line("a"));
		server.send(line("b"));
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("x");
			await().atMost(Duration.ofSeconds(10)).until(() -> failures.size() == 1);
		}
		assertThat(failures.get(0)).hasMessageContaining("stayed full for 100ms");
		assertThat(server.getStatistics().getDropped(DropReason.QUEUE_FULL)).isEqualTo(1);
		assertThat(readAfterTheBlockingLine(server, 2)).containsExactly("a", "b", "end");
	}

	@Test
	void aBurstOfRepliesLargerThanTheQueueGoesIntoAPipeWithRoomOnTheEventLoop() throws Exception {
		// 1,000 replies of a few bytes fit the pipe many times over; the queue holds 10.
		PipeServer server = this.pipes.server(this.pipes.settings()
			.engine(PipeEngine.EVENT_LOOP)
			.dispatch(DispatchMode.LOOP)
			.sendQueueCapacity(10)
			.overflow(OverflowPolicy.DROP_NEWEST)
			.build(), TestPipes.replying((buffer, offset, length, replies) -> {
				this.pipes.recorder.onLine(buffer, offset, length);
				replies.send(Arrays.copyOfRange(buffer, offset, offset + length));
			}));
		server.start();
		StringBuilder burst = new StringBuilder();
		for (int i = 0; i < 1000; i++) {
			burst.append("line ").append(i).append('\n');
		}
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.sendRaw(burst.toString().getBytes(StandardCharsets.US_ASCII));
			this.pipes.recorder.awaitCount(1000, Duration.ofSeconds(10));
		}
		ChannelStatistics statistics = server.getStatistics();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> statistics.getSentMessages() + statistics.getDropped(DropReason.QUEUE_FULL) == 1000);
		assertThat(statistics.getDropped(DropReason.QUEUE_FULL)).isZero();
		try (PipeTestClient reader = this.pipes.reader()) {
			List<String> lines = reader.receiveLines(1000);
			assertThat(lines).first().isEqualTo("line 0");
			assertThat(lines).last().isEqualTo("line 999");
		}
	}

	private PipeServer startFull(OverflowPolicy policy, String... fill) throws Exception {
		return startFull(
				this.pipes.settings().sendQueueCapacity(2).overflow(policy).sendTimeout(Duration.ofMinutes(1)).build(),
				fill);
	}

	private PipeServer startFull(PipeServerSettings settings, String... fill) throws Exception {
		PipeServer server = this.pipes.start(settings);
		blockTheWriter(server);
		for (String text : fill) {
			server.send(line(text));
		}
		return server;
	}

	/**
	 * A server whose handler replies {@code re:<line>} to each line and records what its
	 * send throws; its queue is full with "a" and "b".
	 */
	private PipeServer startFullReplying(OverflowPolicy policy, List<Throwable> failures) throws Exception {
		PipeServer server = this.pipes.server(
				this.pipes.settings().sendQueueCapacity(2).overflow(policy).sendTimeout(Duration.ofMinutes(1)).build(),
				TestPipes.replying((buffer, offset, length, replies) -> {
					this.pipes.recorder.onLine(buffer, offset, length);
					try {
						replies.send(("re:" + new String(buffer, offset, length, StandardCharsets.UTF_8))
							.getBytes(StandardCharsets.UTF_8));
					}
					catch (PipeSendException ex) {
						failures.add(ex);
					}
				}));
		server.start();
		blockTheWriter(server);
		server.send(line("a"));
		server.send(line("b"));
		return server;
	}

	/**
	 * Nobody reads: the writer takes a line larger than the pipe and blocks writing it.
	 */
	private static void blockTheWriter(PipeServer server) {
		server.send(new byte[BLOCKING_LINE]);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.getSendQueueSize() == 0);
	}

	/**
	 * Attach a reader, take the blocking line, then return the next lines and an "end"
	 * line sent once the queue has room again, which shows that nothing else was queued.
	 */
	private List<String> readAfterTheBlockingLine(PipeServer server, int count) {
		try (PipeTestClient reader = this.pipes.reader()) {
			assertThat(reader.receiveBytes()).hasSize(BLOCKING_LINE);
			List<String> lines = new ArrayList<>(reader.receiveLines(count));
			await().atMost(Duration.ofSeconds(5)).until(() -> server.getSendQueueSize() == 0);
			server.send(line("end"));
			lines.add(reader.receive());
			return lines;
		}
	}

	private static byte[] line(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
