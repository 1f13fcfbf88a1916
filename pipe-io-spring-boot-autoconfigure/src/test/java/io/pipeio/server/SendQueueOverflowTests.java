package io.pipeio.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link SendQueueOverflow} on its own, with a lock and condition of the test's own in
 * place of the queue's: how long a sender waits for room under each policy, which threads
 * must not wait as the room is theirs to make, and what wakes a waiting sender. Senders
 * are real threads that wait as {@link SendQueue} has them wait: while there is no room,
 * for what the policy and a stop's deadline leave of their wait.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SendQueueOverflowTests {

	/** Longer than any test waits: a sender that waits it out was not woken. */
	private static final Duration LONG = Duration.ofSeconds(30);

	/** How long a test waits for a sender that should be done by then. */
	private static final Duration WITHIN = Duration.ofSeconds(5);

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition notFull = this.lock.newCondition();

	/** Whether a waiting sender finds room once it looks again; guarded by the lock. */
	private boolean room;

	private final List<Thread> senders = new ArrayList<>();

	@AfterEach
	void endSenders() throws InterruptedException {
		for (Thread sender : this.senders) {
			sender.interrupt();
			sender.join(WITHIN.toMillis());
		}
	}

	@ParameterizedTest
	@EnumSource(OverflowPolicy.class)
	void onlyBlockWaitsAndOnlyDropOldestDropsQueuedLines(OverflowPolicy policy) {
		SendQueueOverflow overflow = overflow(policy, LONG);
		boolean blocks = policy == OverflowPolicy.BLOCK;
		assertThat(overflow.sendWait(Long.MAX_VALUE)).isEqualTo(blocks ? LONG.toNanos() : 0);
		assertThat(overflow.replyWait()).isEqualTo(blocks ? Long.MAX_VALUE : 0);
		assertThat(overflow.dropsOldest()).isEqualTo(policy == OverflowPolicy.DROP_OLDEST);
	}

	@Test
	void blockWaitsTheShorterOfTheSendTimeoutAndTheSendersOwnLimitAndNeverLessThanNothing() {
		SendQueueOverflow overflow = overflow(OverflowPolicy.BLOCK, Duration.ofSeconds(2));
		assertThat(overflow.sendWait(Long.MAX_VALUE)).isEqualTo(Duration.ofSeconds(2).toNanos());
		assertThat(overflow.sendWait(Duration.ofSeconds(1).toNanos())).isEqualTo(Duration.ofSeconds(1).toNanos());
		assertThat(overflow.sendWait(-1)).isZero();
		// a send timeout beyond what nanoseconds hold waits as long as they can tell
		assertThat(overflow(OverflowPolicy.BLOCK, Duration.ofSeconds(Long.MAX_VALUE)).sendWait(Long.MAX_VALUE))
			.isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void blockingSenderWaitsTheSendTimeoutThenGivesUp() throws Exception {
		Duration timeout = Duration.ofMillis(300);
		SendQueueOverflow overflow = overflow(OverflowPolicy.BLOCK, timeout);
		Waited waited = result(waitForRoom(overflow, overflow.sendWait(Long.MAX_VALUE)));
		assertThat(waited.room()).isFalse();
		assertThat(waited.nanos()).isGreaterThanOrEqualTo(timeout.toNanos());
	}

	@Test
	void blockingSenderWaitsNoLongerThanItsOwnLimit() throws Exception {
		Duration limit = Duration.ofMillis(300);
		SendQueueOverflow overflow = overflow(OverflowPolicy.BLOCK, LONG);
		Waited waited = result(waitForRoom(overflow, overflow.sendWait(limit.toNanos())));
		assertThat(waited.room()).isFalse();
		assertThat(waited.nanos()).isGreaterThanOrEqualTo(limit.toNanos());
	}

	@ParameterizedTest
	@EnumSource(value = OverflowPolicy.class, names = { "DROP_NEWEST", "DROP_OLDEST", "FAIL" })
	void senderOfAnyOtherPolicyGivesUpAtOnceWhateverTheSendTimeout(OverflowPolicy policy) throws Exception {
		SendQueueOverflow overflow = overflow(policy, LONG);
		CompletableFuture<Waited> send = waitForRoom(overflow, overflow.sendWait(Long.MAX_VALUE));
		CompletableFuture<Waited> reply = waitForRoom(overflow, overflow.replyWait());
		assertThat(result(send).room()).isFalse();
		assertThat(result(reply).room()).isFalse();
	}

	@Test
	void roomMadeWakesEveryWaitingSender() throws Exception {
		SendQueueOverflow overflow = overflow(OverflowPolicy.BLOCK, LONG);
		CompletableFuture<Waited> first = waitForRoom(overflow, overflow.sendWait(Long.MAX_VALUE));
		CompletableFuture<Waited> second = waitForRoom(overflow, overflow.replyWait());
		awaitWaitingSenders(2);
		underLock(() -> {
			this.room = true;
			overflow.roomMade();
		});
		assertThat(result(first).room()).isTrue();
		assertThat(result(second).room()).isTrue();
	}

	@Test
	void wakeAllHasEveryWaitingSenderLookAgain() throws Exception {
		SendQueueOverflow overflow = overflow(OverflowPolicy.BLOCK, LONG);
		CompletableFuture<Waited> first = waitForRoom(overflow, overflow.replyWait());
		CompletableFuture<Waited> second = waitForRoom(overflow, overflow.replyWait());
		awaitWaitingSenders(2);
		underLock(() -> {
			this.room = true; // as a queue emptied by a writer that ended
			overflow.wakeAll();
		});
		assertThat(result(first).room()).isTrue();
		assertThat(result(second).room()).isTrue();
	}

	@Test
	void aStopsDeadlineReleasesSendersWaitingWithoutALimit() throws Exception {
		SendQueueOverflow overflow = overflow(OverflowPolicy.BLOCK, LONG);
		CompletableFuture<Waited> reply = waitForRoom(overflow, overflow.replyWait());
		CompletableFuture<Waited> send = waitForRoom(overflow, overflow.sendWait(Long.MAX_VALUE));
		awaitWaitingSenders(2);
		underLock(() -> overflow.limitWaits(System.nanoTime()));
		assertThat(result(reply).room()).isFalse();
		assertThat(result(send).room()).isFalse();
	}

	@Test
	void aStopsDeadlineCutsTheWaitOfALaterSenderShort() throws Exception {
		SendQueueOverflow overflow = overflow(OverflowPolicy.BLOCK, LONG);
		long deadline = System.nanoTime() + Duration.ofMillis(300).toNanos();
		underLock(() -> overflow.limitWaits(deadline));
		Waited waited = result(waitForRoom(overflow, overflow.replyWait()));
		assertThat(waited.room()).isFalse();
		assertThat(waited.endedAt()).isGreaterThanOrEqualTo(deadline);
	}

	@Test
	void theThreadCompletingWrittenLinesMakesRoomItselfWhileItRunsTheirCallbacks() throws Exception {
		SendQueueOverflow overflow = overflow(OverflowPolicy.BLOCK, LONG);
		CountDownLatch inCallback = new CountDownLatch(1);
		CountDownLatch leave = new CountDownLatch(1);
		CompletableFuture<Boolean> seenInCallback = new CompletableFuture<>();
		QueuedLines.PendingLine pending = new QueuedLines.PendingLine(new byte[] { 'a' }, new CompletableFuture<>());
		pending.future().thenRun(() -> {
			// a callback that sends runs here, on the thread that would make the room
			seenInCallback.complete(overflow.makesRoomItself());
			inCallback.countDown();
			awaitQuietly(leave);
		});
		CompletableFuture<Boolean> seenAfter = new CompletableFuture<>();
		Thread writer = start("test-writer", () -> {
			overflow.completeWritten(List.of(new byte[] { 'b' }, pending));
			seenAfter.complete(overflow.makesRoomItself());
		});
		assertThat(inCallback.await(WITHIN.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		try {
			assertThat(seenInCallback.getNow(false)).isTrue();
			// any other thread waits for the room that thread makes
			assertThat(overflow.makesRoomItself()).isFalse();
		}
		finally {
			leave.countDown();
		}
		assertThat(seenAfter.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS)).as("once the callbacks ran").isFalse();
		assertThat(pending.future()).isCompleted();
		writer.join(WITHIN.toMillis());
	}

	@Test
	void theEventLoopsThreadMakesRoomItself() throws Exception {
		assumeTrue(Epoll.unavailable() == null, "epoll is available");
		SendQueueOverflow overflow = overflow(OverflowPolicy.BLOCK, LONG);
		assertThat(overflow.makesRoomItself()).isFalse();
		EventLoop loop = EventLoopGroup.acquire(1, null);
		try {
			assertThat(onLoopThread(loop, overflow::makesRoomItself)).isTrue();
		}
		finally {
			loop.release(null, TestPipes.STOP_TIMEOUT.toMillis());
		}
	}

	private SendQueueOverflow overflow(OverflowPolicy policy, Duration sendTimeout) {
		PipeServerSettings settings = TestPipes
			.settings("overflow", Path.of("/nonexistent/overflow.in"), Path.of("/nonexistent/overflow.out"))
			.overflow(policy)
			.sendTimeout(sendTimeout)
			.build();
		return new SendQueueOverflow(settings, this.notFull);
	}

	/**
	 * Start a sender that waits for room as {@link SendQueue} has it wait: while there is
	 * none, for what is left of its wait, cut short by a stop's deadline.
	 * @param nanos how long it may wait
	 * @return whether it found room, once it is done
	 */
	private CompletableFuture<Waited> waitForRoom(SendQueueOverflow overflow, long nanos) {
		CompletableFuture<Waited> result = new CompletableFuture<>();
		start("test-sender-" + this.senders.size(), () -> {
			long start = System.nanoTime();
			this.lock.lock();
			try {
				long remaining = nanos;
				while (!this.room) {
					remaining = overflow.remaining(remaining);
					if (remaining <= 0) {
						break;
					}
					remaining = overflow.await(remaining);
				}
				long end = System.nanoTime();
				result.complete(new Waited(this.room, end - start, end));
			}
			catch (InterruptedException | RuntimeException | Error ex) {
				result.completeExceptionally(ex);
			}
			finally {
				this.lock.unlock();
			}
		});
		return result;
	}

	private Thread start(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		this.senders.add(thread);
		thread.start();
		return thread;
	}

	private static <T> T result(CompletableFuture<T> result) throws Exception {
		return result.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void awaitWaitingSenders(int count) {
		await().atMost(WITHIN).until(() -> waitingSenders() == count);
	}

	private int waitingSenders() {
		this.lock.lock();
		try {
			return this.lock.getWaitQueueLength(this.notFull);
		}
		finally {
			this.lock.unlock();
		}
	}

	private void underLock(Runnable action) {
		this.lock.lock();
		try {
			action.run();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Ask on the loop's thread, woken through an eventfd of the test's own registered
	 * like a channel's descriptor.
	 */
	private static boolean onLoopThread(EventLoop loop, BooleanSupplier question) throws Exception {
		CompletableFuture<Boolean> answer = new CompletableFuture<>();
		int wake = PosixPoll.eventfd();
		long token = loop.newToken((events) -> {
			answer.complete(EventLoop.isLoopThread() && question.getAsBoolean());
		});
		try {
			loop.add(wake, Epoll.EPOLLIN, token);
			PosixPoll.signal(wake);
			return answer.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
		}
		finally {
			loop.remove(wake);
			loop.removeToken(token);
			Posix.close(wake);
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * @param room whether the sender found room, rather than gave up
	 * @param nanos how long it waited
	 * @param endedAt {@link System#nanoTime()} when it was done
	 */
	private record Waited(boolean room, long nanos, long endedAt) {
	}

}
