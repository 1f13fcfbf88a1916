package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On the event loop engine, which thread runs the handler: a worker, or the loop thread
 * itself for a handler that is fast ({@link DispatchMode#AUTO}) or declared so
 * ({@link DispatchMode#LOOP}); and the loop never waits for room in a full send queue.
 */
class PipeServerEventLoopDispatchTests extends PipeServerTestSupport {

	private static final String LOOP_THREAD = "pipe-io-event-loop";

	/** The threads that ran the handler (cheap to add to: the handler must stay fast). */
	private final Set<String> handlerThreads = ConcurrentHashMap.newKeySet();

	private volatile String lastHandlerThread = "";

	@Test
	void loopModeRunsTheHandlerOnTheLoopThread() throws Exception {
		startEcho(DispatchMode.LOOP);
		PipeTestClient client = this.pipes.client();
		// One write, so one chunk: a chunk that a pause of the machine made slow sends
		// the rest of the loop's turn to a worker, even in this mode.
		client.sendRaw("one\ntwo\n".getBytes(StandardCharsets.UTF_8));
		assertThat(client.receiveLines(2)).containsExactly("one", "two");
		assertThat(this.handlerThreads).containsOnly(LOOP_THREAD);
	}

	@Test
	void workerModeNeverRunsTheHandlerOnTheLoopThread() throws Exception {
		startEcho(DispatchMode.WORKER);
		roundTrips(this.pipes.client(), LoopDispatch.WINDOW + 50);
		assertThat(this.handlerThreads).allMatch((name) -> name.startsWith("pipe-io-worker-"));
	}

	@Test
	void autoModeMovesAFastHandlerToTheLoopThread() throws Exception {
		startEcho(DispatchMode.AUTO);
		PipeTestClient client = this.pipes.client();
		roundTrips(client, LoopDispatch.WINDOW - 1);
		assertThat(this.handlerThreads).allMatch((name) -> name.startsWith("pipe-io-worker-"));
		awaitHandlerOnTheLoop(client);
	}

	@Test
	void autoModeSendsAHandlerThatBlockedOnTheLoopBackToWorkers() throws Exception {
		startEcho(DispatchMode.AUTO);
		PipeTestClient client = this.pipes.client();
		awaitHandlerOnTheLoop(client);
		assertThat(client.request("slow")).isEqualTo("slow");
		this.handlerThreads.clear();
		// not measured again for a while
		roundTrips(client, LoopDispatch.WINDOW);
		assertThat(this.handlerThreads).allMatch((name) -> name.startsWith("pipe-io-worker-"));
	}

	@Test
	void autoModeLeavesTheLoopWhenTheClientStopsReadingItsReplies() throws Exception {
		PipeServer server = this.pipes.server(settings(DispatchMode.AUTO).sendQueueCapacity(10).build(),
				TestPipes.replying((buffer, offset, length, replies) -> {
					this.lastHandlerThread = Thread.currentThread().getName();
					this.handlerThreads.add(this.lastHandlerThread);
					replies.send(Arrays.copyOfRange(buffer, offset, offset + length));
				}));
		server.start();
		try (PipeTestClient client = PipeTestClient.connect(this.pipes.in(), this.pipes.out())) {
			awaitHandlerOnTheLoop(client);
		}
		assertLeavesTheLoopOnceNobodyReads(server);
	}

	@Test
	void autoModeLeavesTheLoopWhenRepliesAWorkerHandledForItWaitedForRoom() throws Exception {
		// A listener slow to hear of the first client's departure holds the turn that
		// tells it: the next lines are read by a worker while the channel is on the loop.
		AtomicBoolean holdDeparture = new AtomicBoolean();
		PipeServer server = this.pipes.server(settings(DispatchMode.AUTO).sendQueueCapacity(10).build(),
				TestPipes.replying((buffer, offset, length, replies) -> {
					this.lastHandlerThread = Thread.currentThread().getName();
					this.handlerThreads.add(this.lastHandlerThread);
					replies.send(Arrays.copyOfRange(buffer, offset, offset + length));
				}), new PipeServerListener() {
					@Override
					public void onClientPresenceChanged(PipeServer channel, boolean connected) {
						if (!connected && holdDeparture.compareAndSet(true, false)) {
							workFor(Duration.ofMillis(300));
						}
					}
				});
		server.start();
		try (PipeTestClient client = PipeTestClient.connect(this.pipes.in(), this.pipes.out())) {
			awaitHandlerOnTheLoop(client);
			holdDeparture.set(true);
		}
		// The next client comes once the departure is being told: one that came before
		// the end was read would leave no departure to tell.
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).untilFalse(holdDeparture);
		// That worker's replies wait for room, until a client reads: by then the queue
		// is emptied, and the channel leaves the loop all the same.
		assertLeavesTheLoopOnceNobodyReads(server);
	}

	/**
	 * Nobody reads: replies fill the out pipe (64 KiB), then the queue (10 lines), and
	 * the channel stops reading; its lines wait in the in pipe, none is lost. Written
	 * from another thread: how many fit before the channel stops depends on how much of
	 * them each read found. Then a client reads them all, and its round trips are handled
	 * on workers, measured at once: the listener was not slow, so the channel comes back
	 * to the loop once a window of its chunks was fast.
	 */
	private void assertLeavesTheLoopOnceNobodyReads(PipeServer server) throws Exception {
		this.handlerThreads.clear();
		String big = "y".repeat(4000);
		PipeTestClient client;
		try (PipeTestClient writer = this.pipes.writer()) {
			CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
				for (int i = 0; i < 40; i++) {
					writer.send(big + i);
				}
			});
			await().atMost(Duration.ofSeconds(10)).until(() -> server.getWaitingForReaderSince() != null);
			client = this.pipes.client();
			assertThat(client.receiveLines(40)).hasSize(40).allMatch((reply) -> reply.startsWith(big));
			writing.get(10, TimeUnit.SECONDS);
		}
		this.handlerThreads.clear();
		// fewer chunks than a window since it left, the 40 lines' included
		roundTrips(client, LoopDispatch.WINDOW / 8);
		assertThat(this.handlerThreads).allMatch((name) -> name.startsWith("pipe-io-worker-"));
		awaitHandlerOnTheLoop(client);
		assertThat(server.getStatistics().getDroppedTotal()).isZero();
	}

	@Test
	void handlerOnTheLoopOverfillsAFullSendQueueRatherThanWaitForRoom() throws Exception {
		PipeServer server = this.pipes.server(settings(DispatchMode.LOOP).sendQueueCapacity(1).build(),
				TestPipes.replying((buffer, offset, length, replies) -> {
					String line = new String(buffer, offset, length, StandardCharsets.UTF_8);
					for (int i = 0; i < 50; i++) {
						replies.send((line + "-" + i).getBytes(StandardCharsets.UTF_8));
					}
				}));
		server.start();
		// A second channel on the same loop answers while nobody reads the first one's
		// replies: the loop was not left waiting for room.
		PipeServer other = this.pipes
			.server(PipeServerSettings.builder("other", this.dir.resolve("other.in"), this.dir.resolve("other.out"))
				.engine(PipeEngine.EVENT_LOOP)
				.build(), this.pipes.recorder);
		other.start();
		try (PipeTestClient writer = this.pipes.writer();
				PipeTestClient otherWriter = PipeTestClient.sender(this.dir.resolve("other.in"))) {
			// One line's replies (100 KB) overrun the out pipe and the queue: the
			// first line the loop reads overfills it. All lines fit in the in pipe
			// (64 KiB) however few the channel reads before a worker waits for
			// room; more would leave this thread blocked in write.
			String big = "x".repeat(2000);
			int lines = 20;
			for (int i = 0; i < lines; i++) {
				writer.send(big + i);
			}
			otherWriter.send("still served");
			assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("still served");
			List<String> expected = new ArrayList<>();
			for (int i = 0; i < lines; i++) {
				for (int j = 0; j < 50; j++) {
					expected.add(big + i + "-" + j);
				}
			}
			try (PipeTestClient reader = this.pipes.reader()) {
				assertThat(reader.receiveLines(expected.size())).containsExactlyElementsOf(expected);
			}
		}
		assertThat(server.getStatistics().getDroppedTotal()).isZero();
	}

	@Test
	void listenerThrowingOnTheLoopThreadLeavesTheLoopAndOtherChannelsServing() throws Exception {
		PipeServer failing = this.pipes.server(settings(DispatchMode.LOOP).build(), this.pipes.recorder,
				new PipeServerListener() {
					@Override
					public void onClientPresenceChanged(PipeServer server, boolean connected) {
						throw new IllegalStateException("a listener's bug");
					}
				});
		failing.start();
		Path otherIn = this.dir.resolve("other.in");
		Path otherOut = this.dir.resolve("other.out");
		AtomicReference<PipeServer> other = new AtomicReference<>();
		other.set(this.pipes.server(
				TestPipes.settings("other", otherIn, otherOut)
					.engine(PipeEngine.EVENT_LOOP)
					.dispatch(DispatchMode.LOOP)
					.build(),
				(buffer, offset, length) -> other.get().send(Arrays.copyOfRange(buffer, offset, offset + length))));
		other.get().start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("hello");
			// The error stays recorded; FAILED lasts only until the watchdog's next
			// round.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> failing.getStatistics().getLastError() != null
						|| failing.getStatistics().getReceivedMessages() > 0);
		}
		try (PipeTestClient client = PipeTestClient.connect(otherIn, otherOut)) {
			assertThat(client.request("still served")).isEqualTo("still served");
		}
		assertThat(other.get().getState()).isEqualTo(PipeServerState.RUNNING);
		assertThat(TestPipes.engineThreads()).contains(LOOP_THREAD);
	}

	@Test
	void handlerBlockingTheLoopThreadHoldsUpOtherChannelsOnlyUntilANewLoopThreadTakesOver() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		PipeServer blocking = this.pipes.server(settings(DispatchMode.LOOP).build(), (buffer, offset, length) -> {
			this.handlerThreads.add(Thread.currentThread().getName());
			entered.countDown();
			release.await(20, TimeUnit.SECONDS);
		});
		blocking.start();
		Path otherIn = this.dir.resolve("other.in");
		Path otherOut = this.dir.resolve("other.out");
		AtomicReference<PipeServer> other = new AtomicReference<>();
		other
			.set(this.pipes.server(TestPipes.settings("other", otherIn, otherOut).engine(PipeEngine.EVENT_LOOP).build(),
					(buffer, offset, length) -> other.get().send(Arrays.copyOfRange(buffer, offset, offset + length))));
		other.get().start();
		try (PipeTestClient writer = this.pipes.writer();
				PipeTestClient client = PipeTestClient.connect(otherIn, otherOut)) {
			writer.send("block");
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			// The loop thread is held by the handler: the other channel's line is read
			// only once the watchdog handed waiting for events to a new thread.
			assertThat(client.request("still served")).isEqualTo("still served");
			assertThat(this.handlerThreads).containsOnly(LOOP_THREAD);
			release.countDown();
			writer.send("after");
			await().atMost(Duration.ofSeconds(10)).until(() -> blocking.getStatistics().getReceivedMessages() == 2);
			assertThat(client.request("again")).isEqualTo("again");
		}
		finally {
			release.countDown();
		}
		assertThat(blocking.getStatistics().getDroppedTotal()).isZero();
	}

	/** Take at least this long, however early a park returns. */
	private static void workFor(Duration duration) {
		long end = System.nanoTime() + duration.toNanos();
		for (long left = duration.toNanos(); left > 0; left = end - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
	}

	private void startEcho(DispatchMode mode) throws Exception {
		PipeServer server = this.pipes.server(settings(mode).build(),
				TestPipes.replying((buffer, offset, length, replies) -> {
					this.lastHandlerThread = Thread.currentThread().getName();
					this.handlerThreads.add(this.lastHandlerThread);
					String line = new String(buffer, offset, length, StandardCharsets.UTF_8);
					if (line.equals("slow")) {
						workFor(Duration.ofMillis(30));
					}
					replies.send(line.getBytes(StandardCharsets.UTF_8));
				}));
		server.start();
	}

	private PipeServerSettings.Builder settings(DispatchMode mode) {
		return this.pipes.settings().engine(PipeEngine.EVENT_LOOP).dispatch(mode);
	}

	/**
	 * Make round trips until the handler runs on the loop: the first measurement may find
	 * it slow while the JIT compiler and a busy machine warm up.
	 */
	private void awaitHandlerOnTheLoop(PipeTestClient client) {
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			roundTrips(client, LoopDispatch.WINDOW);
			return this.lastHandlerThread.equals(LOOP_THREAD);
		});
	}

	/** One line per chunk: each waits for the reply to the one before. */
	private static void roundTrips(PipeTestClient client, int count) {
		for (int i = 0; i < count; i++) {
			assertThat(client.request("line " + i)).isEqualTo("line " + i);
		}
	}

}
