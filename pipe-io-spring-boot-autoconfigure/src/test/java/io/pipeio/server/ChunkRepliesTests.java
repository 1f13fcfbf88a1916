package io.pipeio.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.pipeio.server.TestQueues.line;
import static io.pipeio.server.TestQueues.settings;
import static io.pipeio.server.TestQueues.takeAll;
import static io.pipeio.server.TestQueues.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ChunkReplies} with a {@link SendQueue}, without pipes: which sends are the
 * replies of a chunk, and how they are placed at its end as each overflow policy says.
 * The test thread plays the reader that dispatches a chunk, as {@link LineSender} would
 * offer the replies made through its {@link ReplySink}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChunkRepliesTests {

	/** The handler of the chunks' lines, which these tests do not call. */
	private static final LineHandler LINES = (buffer, offset, length) -> {
	};

	private final List<Object> rejected = Collections.synchronizedList(new ArrayList<>());

	@Test
	void onlySendsOfTheChunksThreadToItsQueueAreCollected() throws Exception {
		PipeServerSettings settings = settings(OverflowPolicy.BLOCK, 10, 1000).build();
		SendQueue queue = new SendQueue(settings, this.rejected::addAll, this.rejected::addAll);
		SendQueue otherQueue = new SendQueue(settings, this.rejected::addAll, this.rejected::addAll);
		ChunkReplies replies = new ChunkReplies(settings);
		assertThat(replies.collect(queue, line("before"))).as("no chunk yet").isFalse();
		replies.begin(queue, LINES);
		assertThat(replies.collect(queue, line("reply"))).isTrue();
		assertThat(replies.collect(otherQueue, line("elsewhere"))).isFalse();
		assertThat(CompletableFuture.supplyAsync(() -> replies.collect(queue, line("other thread")))
			.get(5, TimeUnit.SECONDS)).isFalse();
		assertThat(queue.size()).as("held until the chunk ends").isZero();
		replies.end();
		assertThat(texts(takeAll(queue))).containsExactly("reply");
		assertThat(replies.collect(queue, line("after"))).isFalse();
	}

	@Test
	void theHandlerIsToldBeforeRepliesAreHandedOverAheadOfTheChunksEndOnly() throws Exception {
		// Room for one line: the second reply hands the first over.
		PipeServerSettings settings = settings(OverflowPolicy.BLOCK, 1, 1000).build();
		SendQueue queue = new SendQueue(settings, this.rejected::addAll, this.rejected::addAll);
		ChunkReplies replies = new ChunkReplies(settings);
		List<Integer> placedWhenTold = new ArrayList<>();
		replies.begin(queue, new LineHandler() {

			@Override
			public void onLine(byte[] buffer, int offset, int length) {
			}

			@Override
			public void beforeRepliesHandedOver() {
				placedWhenTold.add(queue.size());
			}

		});
		replies.collect(queue, line("r1"));
		assertThat(placedWhenTold).as("collected, not handed over").isEmpty();
		replies.collect(queue, line("r2"));
		assertThat(placedWhenTold).as("told before r1 was placed").containsExactly(0);
		assertThat(texts(takeAll(queue))).containsExactly("r1");
		replies.end();
		assertThat(placedWhenTold).as("the chunk's end is the dispatcher's to tell").containsExactly(0);
		assertThat(texts(takeAll(queue))).containsExactly("r2");
	}

	@Test
	void aFastHandlerStaysBatchedThroughOneSlowWindowButNotTwo() {
		PipeServerSettings settings = settings(OverflowPolicy.BLOCK, 100_000, 100_000_000).build();
		SendQueue queue = new SendQueue(settings, this.rejected::addAll, this.rejected::addAll);
		ChunkReplies replies = new ChunkReplies(settings);
		measureFast(replies, queue);
		window(replies, queue, 200_000);
		assertThat(replies.isHolding()).as("after one slow window").isTrue();
		window(replies, queue, 200_000);
		assertThat(replies.isHolding()).as("after two slow windows in a row").isFalse();
		replies.end();
	}

	@Test
	void aFastHandlerWhoseRepliesTakeLongToHandOverIsMeasuredFast() {
		PipeServerSettings settings = settings(OverflowPolicy.BLOCK, 100_000, 100_000_000).build();
		SendQueue queue = new SendQueue(settings, this.rejected::addAll, this.rejected::addAll);
		// Writing each reply takes 10 µs (a write and a wake-up per line on a busy
		// machine): 32 lines take 320 µs, over the bar of 100 µs a window, though the
		// handler itself takes nothing.
		queue.writeOnWakeup(() -> {
			long until = System.nanoTime() + 10_000;
			while (System.nanoTime() < until) {
				Thread.onSpinWait();
			}
		});
		ChunkReplies replies = new ChunkReplies(settings);
		measureFast(replies, queue);
		replies.end();
	}

	@Test
	void repliesWaitForRoomWithoutLimitUntilAStopLimitsWaitsAndAreLostToTheStop() throws Exception {
		PipeServerSettings settings = settings(OverflowPolicy.BLOCK, 1, 1000).sendTimeout(Duration.ZERO).build();
		List<Object> lostToTheStop = Collections.synchronizedList(new ArrayList<>());
		SendQueue queue = new SendQueue(settings, this.rejected::addAll, lostToTheStop::addAll);
		ChunkReplies replies = new ChunkReplies(settings);
		assertThat(queue.offer(line("a"))).isTrue();
		Thread reader = new Thread(() -> {
			replies.begin(queue, LINES);
			reply(replies, queue, line("reply"));
			replies.end(); // the queue is full: waits, with no time limit
		}, "test-reader");
		reader.setDaemon(true);
		reader.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> reader.getState() == Thread.State.TIMED_WAITING);
		assertThat(reader.isAlive()).isTrue();
		queue.limitWaits(System.nanoTime());
		reader.join(5000);
		assertThat(reader.isAlive()).isFalse();
		assertThat(texts(lostToTheStop)).containsExactly("reply");
		assertThat(this.rejected).as("not dropped for a full queue").isEmpty();
	}

	@Test
	void repliesWithBlockGetInOnceTheWriterTakes() throws Exception {
		PipeServerSettings settings = settings(OverflowPolicy.BLOCK, 1, 1000).build();
		SendQueue queue = new SendQueue(settings, this.rejected::addAll, this.rejected::addAll);
		ChunkReplies replies = new ChunkReplies(settings);
		assertThat(queue.offer(line("a"))).isTrue();
		CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
			replies.begin(queue, LINES);
			reply(replies, queue, line("reply"));
			replies.end();
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> queue.fullSinceMillis() != 0);
		assertThat(texts(takeAll(queue))).containsExactly("a");
		reader.get(5, TimeUnit.SECONDS);
		assertThat(texts(takeAll(queue))).containsExactly("reply");
		assertThat(this.rejected).isEmpty();
	}

	@Test
	void repliesWithDropNewestThatDidNotFitAreReported() throws Exception {
		PipeServerSettings settings = settings(OverflowPolicy.DROP_NEWEST, 2, 1000).build();
		SendQueue queue = new SendQueue(settings, this.rejected::addAll, this.rejected::addAll);
		ChunkReplies replies = new ChunkReplies(settings);
		assertThat(queue.offer(line("a"))).isTrue();
		replies.begin(queue, LINES);
		assertThat(reply(replies, queue, line("r1"))).isTrue();
		assertThat(reply(replies, queue, line("r2"))).as("collected, placed at the end of the chunk").isTrue();
		replies.end();
		assertThat(texts(this.rejected)).containsExactly("r2");
		assertThat(texts(takeAll(queue))).containsExactly("a", "r1");
	}

	@Test
	void replyWithFailThatWouldNotFitIsRefusedAtOnce() throws Exception {
		PipeServerSettings settings = settings(OverflowPolicy.FAIL, 3, 1000).build();
		SendQueue queue = new SendQueue(settings, this.rejected::addAll, this.rejected::addAll);
		ChunkReplies replies = new ChunkReplies(settings);
		assertThat(queue.offer(line("a"))).isTrue();
		replies.begin(queue, LINES);
		assertThat(reply(replies, queue, line("r1"))).isTrue();
		assertThat(reply(replies, queue, line("r2"))).isTrue();
		assertThat(reply(replies, queue, line("r3"))).as("a, r1 and r2 fill the queue").isFalse();
		replies.end();
		assertThat(this.rejected).isEmpty();
		assertThat(texts(takeAll(queue))).containsExactly("a", "r1", "r2");
	}

	@Test
	void repliesOfAChunkBeyondTheQueuesCapacityReachAWriterThatHasRoomWithoutADrop() throws Exception {
		PipeServerSettings settings = settings(OverflowPolicy.DROP_NEWEST, 2, 1000).build();
		SendQueue queue = new SendQueue(settings, this.rejected::addAll, this.rejected::addAll);
		List<Object> written = writesEverythingOnWakeup(queue);
		ChunkReplies replies = new ChunkReplies(settings);
		replies.begin(queue, LINES);
		for (int i = 1; i <= 5; i++) {
			assertThat(reply(replies, queue, line("r" + i))).isTrue();
		}
		replies.end();
		assertThat(this.rejected).isEmpty();
		assertThat(texts(written)).containsExactly("r1", "r2", "r3", "r4", "r5");
	}

	@Test
	void repliesOfAChunkBeyondTheQueuesByteBoundReachAWriterThatHasRoomWithoutADrop() throws Exception {
		PipeServerSettings settings = settings(OverflowPolicy.DROP_OLDEST, 100, 10).build();
		SendQueue queue = new SendQueue(settings, this.rejected::addAll, this.rejected::addAll);
		List<Object> written = writesEverythingOnWakeup(queue);
		ChunkReplies replies = new ChunkReplies(settings);
		replies.begin(queue, LINES);
		for (int i = 1; i <= 5; i++) {
			assertThat(reply(replies, queue, line("r00" + i))).isTrue();
		}
		replies.end();
		assertThat(this.rejected).isEmpty();
		assertThat(texts(written)).containsExactly("r001", "r002", "r003", "r004", "r005");
	}

	/**
	 * Play the event loop's writer with a pipe that always has room: woken, it takes
	 * everything queued, and comes back for more until nothing is left, which frees the
	 * bytes it took.
	 * @return what it wrote
	 */
	private static List<Object> writesEverythingOnWakeup(SendQueue queue) {
		List<Object> written = Collections.synchronizedList(new ArrayList<>());
		queue.writeOnWakeup(() -> {
			while (queue.takeAllNow(written) > 0) {
				// written at once
			}
		});
		return written;
	}

	/** As the reply sink sends: collected as a reply of the chunk, else queued. */
	private static boolean reply(ChunkReplies replies, SendQueue queue, byte[] line) {
		try {
			return replies.collect(queue, line) || queue.offer(line);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Begin a chunk and reply in fast windows until the handler is measured fast (a busy
	 * machine may make one window look slow), on this thread: only the chunk's thread
	 * replies.
	 */
	private static void measureFast(ChunkReplies replies, SendQueue queue) {
		replies.begin(queue, LINES);
		assertThat(replies.isHolding()).as("slow until measured").isFalse();
		for (int windows = 0; windows < 1000 && !replies.isHolding(); windows++) {
			window(replies, queue, 0);
		}
		assertThat(replies.isHolding()).as("measured fast").isTrue();
	}

	/**
	 * One measuring window of replies; the last line takes at least {@code nanos}.
	 */
	private static void window(ChunkReplies replies, SendQueue queue, long nanos) {
		for (int i = 1; i <= ChunkReplies.CHECK_INTERVAL; i++) {
			if (i == ChunkReplies.CHECK_INTERVAL && nanos > 0) {
				long until = System.nanoTime() + nanos;
				while (System.nanoTime() < until) {
					LockSupport.parkNanos(until - System.nanoTime());
				}
			}
			assertThat(replies.collect(queue, line("r" + i))).isTrue();
			replies.afterLine();
		}
	}

}
