package io.pipeio.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.pipeio.server.TestQueues.line;
import static io.pipeio.server.TestQueues.settings;
import static io.pipeio.server.TestQueues.takeAll;
import static io.pipeio.server.TestQueues.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link SendQueue} on its own, without pipes: the line and byte bounds, each overflow
 * policy and the release of waits for a stop (the replies of a chunk, placed together, in
 * {@link ChunkRepliesTests}). The test thread plays the senders and, where it takes
 * entries, the writer.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SendQueueTests {

	private final List<Object> rejected = Collections.synchronizedList(new ArrayList<>());

	@Test
	void bytesHeldNeverExceedTheBound() throws Exception {
		SendQueue queue = queue(OverflowPolicy.DROP_NEWEST, 100, 1000);
		List<Boolean> queued = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			queued.add(queue.offer(new byte[100]));
			assertThat(queue.bytes()).isLessThanOrEqualTo(1000);
		}
		assertThat(queued.subList(0, 10)).containsOnly(true);
		assertThat(queued.subList(10, 20)).containsOnly(false);
		assertThat(queue.size()).isEqualTo(10);
		assertThat(queue.bytes()).isEqualTo(1000);
	}

	@Test
	void linesTheWriterTookCountUntilItComesBack() throws Exception {
		SendQueue queue = queue(OverflowPolicy.DROP_NEWEST, 100, 1000);
		assertThat(queue.offer(new byte[600])).isTrue();
		List<Object> taken = new ArrayList<>();
		assertThat(queue.takeAll(taken)).isTrue();
		// The writer is writing those 600 bytes: they are still held.
		assertThat(queue.size()).isZero();
		assertThat(queue.bytes()).isEqualTo(600);
		assertThat(queue.offer(new byte[500])).isFalse();
		assertThat(queue.offer(new byte[400])).isTrue();
		assertThat(queue.bytes()).isEqualTo(1000);
		taken.clear();
		assertThat(queue.takeAll(taken)).isTrue(); // back for more: the 600 are written
		assertThat(taken).hasSize(1);
		assertThat(queue.bytes()).isEqualTo(400);
	}

	@Test
	void aLineLongerThanTheBoundGoesAloneOnceNothingElseIsHeld() throws Exception {
		SendQueue queue = queue(OverflowPolicy.DROP_NEWEST, 100, 100);
		assertThat(queue.offer(new byte[10])).isTrue();
		assertThat(queue.offer(new byte[500])).isFalse();
		List<Object> taken = new ArrayList<>();
		queue.takeAll(taken);
		assertThat(queue.offer(new byte[500])).as("the writer still holds 10 bytes").isFalse();
		CompletableFuture<List<Object>> writer = takeAllInTheBackground(queue);
		await().atMost(Duration.ofSeconds(5)).until(() -> queue.bytes() == 0);
		assertThat(queue.offer(new byte[500])).isTrue();
		assertThat(writer.get(5, TimeUnit.SECONDS)).singleElement()
			.satisfies((entry) -> assertThat(QueuedLines.lineOf(entry)).hasSize(500));
		assertThat(queue.bytes()).isEqualTo(500);
		assertThat(queue.offer(new byte[1])).isFalse();
	}

	@Test
	void dropNewestRefusesWithoutWaitingOrReporting() throws Exception {
		SendQueue queue = queue(OverflowPolicy.DROP_NEWEST, 2, 1000);
		assertThat(queue.offer(line("a"))).isTrue();
		assertThat(queue.offer(line("b"))).isTrue();
		assertThat(queue.offer(line("c"))).isFalse();
		assertThat(queue.fullSinceMillis()).isPositive();
		// the sender is told by the result; LineSender counts it
		assertThat(this.rejected).isEmpty();
		assertThat(texts(takeAll(queue))).containsExactly("a", "b");
		assertThat(queue.fullSinceMillis()).isZero();
	}

	@Test
	void dropOldestMakesRoomAndReportsWhatItDropped() throws Exception {
		SendQueue queue = queue(OverflowPolicy.DROP_OLDEST, 3, 1000);
		for (String text : List.of("a", "b", "c", "d", "e")) {
			assertThat(queue.offer(line(text))).isTrue();
		}
		assertThat(texts(this.rejected)).containsExactly("a", "b");
		assertThat(texts(takeAll(queue))).containsExactly("c", "d", "e");
	}

	@Test
	void dropOldestByBytesDropsAsManyAsNeeded() throws Exception {
		SendQueue queue = queue(OverflowPolicy.DROP_OLDEST, 100, 10);
		assertThat(queue.offer(line("aaa"))).isTrue();
		assertThat(queue.offer(line("bbb"))).isTrue();
		assertThat(queue.offer(line("ccc"))).isTrue();
		assertThat(queue.offer(line("dddddddd"))).isTrue();
		assertThat(texts(this.rejected)).containsExactly("aaa", "bbb", "ccc");
		assertThat(queue.bytes()).isEqualTo(8);
	}

	@Test
	void dropOldestDropsTheNewLineWhenOnlyTheWriterHoldsBytes() throws Exception {
		SendQueue queue = queue(OverflowPolicy.DROP_OLDEST, 100, 10);
		assertThat(queue.offer(new byte[10])).isTrue();
		takeAll(queue);
		assertThat(queue.offer(new byte[5])).isFalse();
		assertThat(this.rejected).isEmpty();
	}

	@Test
	void dropOldestDropsNoQueuedLineThatCouldNotMakeRoom() throws Exception {
		SendQueue queue = queue(OverflowPolicy.DROP_OLDEST, 100, 100);
		assertThat(queue.offer(new byte[60])).isTrue();
		takeAll(queue);
		for (String text : List.of("a", "b", "c")) {
			assertThat(queue.offer(line(text))).isTrue();
		}
		// The writer's 60 bytes leave no room for 50 whatever is dropped: only the new
		// line is.
		assertThat(queue.offer(new byte[50])).isFalse();
		assertThat(this.rejected).isEmpty();
		assertThat(texts(takeAll(queue))).containsExactly("a", "b", "c");
	}

	@Test
	void blockLetsAnotherThreadWaitForRoom() throws Exception {
		SendQueue queue = new SendQueue(
				settings(OverflowPolicy.BLOCK, 1, 1000).sendTimeout(Duration.ofSeconds(30)).build(),
				this.rejected::addAll, this.rejected::addAll);
		assertThat(queue.offer(line("a"))).isTrue();
		CompletableFuture<Boolean> waiting = new CompletableFuture<>();
		Thread sender = new Thread(() -> waiting.complete(offer(queue, line("b"))), "test-sender");
		sender.setDaemon(true);
		sender.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> sender.getState() == Thread.State.TIMED_WAITING);
		assertThat(texts(takeAll(queue))).containsExactly("a");
		assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();
		assertThat(texts(takeAll(queue))).containsExactly("b");
	}

	@Test
	void blockWithNoSendTimeoutRefusesAtOnce() throws Exception {
		SendQueue queue = new SendQueue(settings(OverflowPolicy.BLOCK, 1, 1000).sendTimeout(Duration.ZERO).build(),
				this.rejected::addAll, this.rejected::addAll);
		assertThat(queue.offer(line("a"))).isTrue();
		assertThat(queue.offer(line("b"))).isFalse();
		assertThat(this.rejected).isEmpty();
	}

	@Test
	void closedQueueRefusesAndWriterDrainsTheRest() throws Exception {
		SendQueue queue = queue(OverflowPolicy.BLOCK, 10, 1000);
		queue.offer(line("a"));
		queue.close();
		assertThat(takeAll(queue)).hasSize(1);
		assertThat(queue.takeAll(new ArrayList<>())).isFalse();
		assertThatIllegalStateException().isThrownBy(() -> queue.offer(line("b")));
	}

	private SendQueue queue(OverflowPolicy policy, int capacity, long maxBytes) {
		return new SendQueue(settings(policy, capacity, maxBytes).build(), this.rejected::addAll,
				this.rejected::addAll);
	}

	private static CompletableFuture<List<Object>> takeAllInTheBackground(SendQueue queue) {
		CompletableFuture<List<Object>> result = new CompletableFuture<>();
		Thread writer = new Thread(() -> {
			try {
				result.complete(takeAll(queue));
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		}, "test-writer");
		writer.setDaemon(true);
		writer.start();
		return result;
	}

	private static boolean offer(SendQueue queue, byte[] line) {
		try {
			return queue.offer(line);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
