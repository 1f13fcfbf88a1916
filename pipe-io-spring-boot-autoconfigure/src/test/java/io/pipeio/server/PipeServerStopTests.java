package io.pipeio.server;

import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.pipeio.test.PipeTestClient;
import org.jspecify.annotations.Nullable;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link PipeServer#stop(Duration)} returns within its timeout in every situation, leaves
 * no engine thread behind, writes what is queued while it may, and a stopped server
 * starts again. Each stop runs under {@code assertTimeoutPreemptively}: a stop that hangs
 * fails the test.
 */
@ExtendWith(ConsoleOutput.class)
class PipeServerStopTests extends PipeServerTestSupport {

	@Test
	void stopBeforeStartReturnsAtOnce() {
		PipeServer server = this.pipes.server(this.pipes.settings().build());
		stopPromptly(server);
		assertThat(this.pipes.recorder.transitions).isEmpty();
		assertThat(this.pipes.in()).doesNotExist();
	}

	@Test
	void startAndStopWhenIdle() throws Exception {
		PipeServer server = this.pipes.start();
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
		assertThat(TestPipes.engineThreads()).containsAll(TestPipes.idleThreads("test"));
		stopPromptly(server);
		assertThat(this.pipes.recorder.transitions).containsExactly("STOPPED->STARTING", "STARTING->RUNNING",
				"RUNNING->STOPPING", "STOPPING->STOPPED");
	}

	@Test
	void threadsAreNamedForTheEngineAndArePlatformThreads() throws Exception {
		PipeServer server = this.pipes.start(TestPipes.settings("orders", this.pipes.in(), this.pipes.out()).build());
		server.start(); // a second start does nothing
		assertThat(TestPipes.engineThreads()).containsExactlyElementsOf(TestPipes.idleThreads("orders"));
		for (String name : TestPipes.engineThreads()) {
			assertThat(isVirtual(TestPipes.thread(name))).as(name).isFalse();
		}
		stopPromptly(server);
	}

	@Test
	void startOpenStop() throws Exception {
		PipeServer server = this.pipes.start();
		PipeTestClient client = this.pipes.client();
		stopPromptly(server);
		// The server closed its end of the out pipe: the attached client sees the end, it
		// is not left hanging.
		await().atMost(Duration.ofSeconds(5)).until(client::isAtEndOfFile);
	}

	@Test
	void stopWithALineInFlightStillWritesItsReply() throws Exception {
		PipeServer[] self = new PipeServer[1];
		CountDownLatch entered = new CountDownLatch(1);
		PipeServer server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
			entered.countDown();
			// Reply only once stop() has begun: the reply must still reach the client.
			await().atMost(Duration.ofSeconds(10)).until(() -> self[0].getState() == PipeServerState.STOPPING);
			self[0].send(("reply to " + new String(buffer, offset, length, StandardCharsets.UTF_8))
				.getBytes(StandardCharsets.UTF_8));
		});
		self[0] = server;
		server.start();
		PipeTestClient client = this.pipes.client();
		client.send("request");
		assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
		stopPromptly(server);
		assertThat(client.receive()).isEqualTo("reply to request");
	}

	@Test
	void queuedLinesAreWrittenBeforeStopReturns() throws Exception {
		PipeServer server = this.pipes.start();
		PipeTestClient reader = this.pipes.reader();
		for (int i = 0; i < 1000; i++) {
			server.send(("line-" + i).getBytes(StandardCharsets.UTF_8));
		}
		stopPromptly(server);
		List<String> lines = reader.receiveLines(1000);
		assertThat(lines.get(0)).isEqualTo("line-0");
		assertThat(lines.get(999)).isEqualTo("line-999");
		await().atMost(Duration.ofSeconds(5)).until(reader::isAtEndOfFile);
	}

	@Test
	void sendRightAfterStartWithNoClientThenStop() throws Exception {
		PipeServer server = this.pipes.start();
		server.send("nobody reads this".getBytes(StandardCharsets.UTF_8));
		stopPromptly(server);
	}

	@Test
	void writerBlockedOnAFullPipeWithNoReader() throws Exception {
		PipeServer server = this.pipes.start();
		byte[] line = new byte[64 * 1024 - 1];
		for (int i = 0; i < 64; i++) {
			// 4 MiB: far more than any pipe holds, so the writer blocks for good
			server.send(line);
		}
		stopPromptly(server);
		// Whatever the stop could not write is counted, and so is what the pipe took that
		// no client will read (sent, and dropped with the pipe): no line is lost
		// uncounted.
		ChannelStatistics statistics = server.getStatistics();
		assertThat(statistics.getSentMessages()).isLessThan(64);
		assertThat(statistics.getDropped(DropReason.SHUTDOWN)).isEqualTo(64);
	}

	@Test
	void linesTheStopCouldNotWriteAreHandedToTheListenerToBeKept() throws Exception {
		PipeServer server = this.pipes.start();
		for (int i = 0; i < 64; i++) {
			// 4 MiB, no reader: the stop leaves most of it unwritten
			byte[] line = new byte[64 * 1024 - 1];
			Arrays.fill(line, (byte) 'x');
			byte[] number = String.format("%02d", i).getBytes(StandardCharsets.US_ASCII);
			System.arraycopy(number, 0, line, 0, number.length);
			server.send(line);
		}
		stopPromptly(server);
		ChannelStatistics statistics = server.getStatistics();
		long sent = statistics.getSentMessages();
		long dropped = 64 - sent;
		assertThat(dropped).isPositive();
		// The lines the pipe took are dropped with it (no client reads it): counted, but
		// no longer in hand to be given.
		assertThat(statistics.getDropped(DropReason.SHUTDOWN)).isEqualTo(64);
		// Each line the stop could not write is given, whole and in order: the last ones
		// sent.
		List<Recorder.DroppedLine> kept = List.copyOf(this.pipes.recorder.droppedLines);
		assertThat(kept).hasSize((int) dropped).allSatisfy((lost) -> {
			assertThat(lost.reason()).isEqualTo(DropReason.SHUTDOWN);
			assertThat(lost.line()).hasSize(64 * 1024 - 1);
		});
		assertThat(kept).extracting((lost) -> new String(lost.line(), 0, 2, StandardCharsets.US_ASCII))
			.containsExactlyElementsOf(
					IntStream.range((int) sent, 64).mapToObj((i) -> String.format("%02d", i)).toList());
	}

	@Test
	void aListenerThrowingAnErrorForALineTheStopDropsIsStillGivenEveryLineAndEverySenderIsTold() throws Exception {
		PipeServer server = startWithAListenerThrowingAnErrorForEachDroppedLine();
		List<CompletableFuture<Void>> queued = queueLinesTheStopDrops(server);
		stopReportingUncaught(server);
		assertThat(this.pipes.recorder.droppedLines).hasSize(4)
			.allSatisfy((lost) -> assertThat(lost.reason()).isEqualTo(DropReason.SHUTDOWN));
		assertThat(queued).allSatisfy((future) -> assertThat(future).isCompletedExceptionally());
		assertThat(server.getStatistics().getDropped(DropReason.SHUTDOWN)).isEqualTo(4);
		assertThat(server.getStatistics().getSentMessages()).isZero();
	}

	@Test
	void aListenerThrowingAnErrorForALineTheStopDropsLeavesTheChannelStoppedAndTheErrorReported() throws Exception {
		PipeServer server = startWithAListenerThrowingAnErrorForEachDroppedLine();
		queueLinesTheStopDrops(server);
		List<Throwable> reported = stopReportingUncaught(server);
		// The channel was stopping, not failing: the error is reported once (not once a
		// line) as one that escaped the thread it was thrown on, on either engine.
		assertThat(reported).singleElement()
			.satisfies((ex) -> assertThat(ex).isInstanceOf(StackOverflowError.class)
				.hasMessage("thrown for a line the stop dropped"));
		assertThat(this.pipes.recorder.transitions).containsExactly("STOPPED->STARTING", "STARTING->RUNNING",
				"RUNNING->STOPPING", "STOPPING->STOPPED");
		assertThat(server.getLastFailure()).isNull();
		assertThat(server.getStatistics().getLastError()).isNull();
	}

	@Test
	void aListenerThrowingAnExceptionForLinesTheStopDropsIsStillGivenEveryLineAndItsFailureIsLoggedOnce(
			ConsoleOutput.Captured output) throws Exception {
		PipeServer server = startWithAListenerThrowingForEachDroppedLine(() -> {
			throw new IllegalStateException("thrown for a line the stop dropped");
		});
		List<CompletableFuture<Void>> queued = queueLinesTheStopDrops(server);
		assertThat(stopReportingUncaught(server)).isEmpty();
		assertThat(this.pipes.recorder.droppedLines).hasSize(4)
			.allSatisfy((lost) -> assertThat(lost.reason()).isEqualTo(DropReason.SHUTDOWN));
		assertThat(queued).allSatisfy((future) -> assertThat(future).isCompletedExceptionally());
		assertThat(server.getStatistics().getDropped(DropReason.SHUTDOWN)).isEqualTo(4);
		// Not silent, and not once a line: one warning, with what the listener threw,
		// for the four lines dropped at once.
		assertThat(output.toString())
			.containsOnlyOnce("java.lang.IllegalStateException: thrown for a line the stop dropped");
		assertThat(output.toString().lines().filter((line) -> line.contains("WARN") && line.contains("Channel 'test'")))
			.singleElement(InstanceOfAssertFactories.STRING)
			.contains("Channel 'test'", "threw for 4 of 4 line(s) dropped (" + DropReason.SHUTDOWN.tag() + ")");
		assertThat(server.getState()).isEqualTo(PipeServerState.STOPPED);
	}

	private PipeServer startWithAListenerThrowingAnErrorForEachDroppedLine() throws Exception {
		return startWithAListenerThrowingForEachDroppedLine(() -> {
			throw new StackOverflowError("thrown for a line the stop dropped");
		});
	}

	/**
	 * Start a server whose listener records each dropped line, then throws what the given
	 * code throws.
	 */
	private PipeServer startWithAListenerThrowingForEachDroppedLine(Runnable thrower) throws Exception {
		Recorder recorder = this.pipes.recorder;
		PipeServer server = this.pipes.server(this.pipes.settings().build(), recorder, new PipeServerListener() {
			@Override
			public void onStateChanged(PipeServer stopped, PipeServerState previous, PipeServerState current,
					@Nullable Throwable cause) {
				recorder.onStateChanged(stopped, previous, current, cause);
			}

			@Override
			public void onLineDropped(PipeServer stopped, DropReason reason, byte[] line) {
				recorder.onLineDropped(stopped, reason, line);
				thrower.run();
			}
		});
		server.start();
		return server;
	}

	/**
	 * Queue four lines that no client reads: the writer waits for room with the first,
	 * which the stop cuts, and the other three are still queued.
	 */
	private static List<CompletableFuture<Void>> queueLinesTheStopDrops(PipeServer server) {
		server.send(new byte[70_000]);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.getSendQueueSize() == 0);
		List<CompletableFuture<Void>> queued = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			queued.add(server.sendAsync(("queued-" + i).getBytes(StandardCharsets.US_ASCII)));
		}
		return queued;
	}

	/**
	 * Stop, collecting what escapes an engine thread (or is reported as if it had) until
	 * the engine threads ended.
	 */
	private static List<Throwable> stopReportingUncaught(PipeServer server) {
		List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
		Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
		Thread.setDefaultUncaughtExceptionHandler((thread, ex) -> reported.add(ex));
		try {
			// A writer the stop gave up on at its deadline (on a busy machine, one not
			// scheduled within the stop's reserve) accounts for its lines, and throws
			// what the listener threw, as its thread ends, a moment after the stop
			// returned, as PipeServer.stop says. The wait for the engine threads must
			// leave this handler in place meanwhile: by default Awaitility puts its own
			// default handler in place while it waits and rethrows what it catches on
			// the waiting thread, where the writer's Error would surface instead.
			stopPromptly(server, await().dontCatchUncaughtExceptions());
		}
		finally {
			Thread.setDefaultUncaughtExceptionHandler(before);
		}
		return List.copyOf(reported);
	}

	@Test
	void anErrorAsTheStopCountsTheLinesNoClientReadLeavesNoOtherLineUncountedAndIsReported() throws Exception {
		PipeServer server = this.pipes.start();
		// Thrown where the first line is dropped for the stop: the count of the lines in
		// the out pipe no client read, the first step of the writer's end. An action is
		// told not to throw, but an Error (a stack overflow, out of memory) comes from
		// anywhere.
		server.getStatistics().forEachDropReason((reason) -> {
			if (reason == DropReason.SHUTDOWN) {
				throw new StackOverflowError("thrown as the stop counted the unread lines");
			}
		});
		int count = 800; // 101 bytes each with the newline: more than the pipe holds
		byte[] line = "x".repeat(100).getBytes(StandardCharsets.US_ASCII);
		List<CompletableFuture<Void>> futures = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			futures.add(server.sendAsync(line));
		}
		List<Throwable> reported = stopReportingUncaught(server);
		assertThat(reported).singleElement()
			.satisfies((ex) -> assertThat(ex).isInstanceOf(StackOverflowError.class)
				.hasMessage("thrown as the stop counted the unread lines"));
		// The lines the writer still held, cut short or queued, are accounted for all the
		// same: each line counted once, each sender told.
		ChannelStatistics statistics = server.getStatistics();
		assertThat(statistics.getDropped(DropReason.SHUTDOWN)).isEqualTo(count);
		assertThat(statistics.getDroppedTotal()).isEqualTo(count);
		assertThat(futures).allSatisfy((future) -> assertThat(future).isDone());
		long written = futures.stream().filter((future) -> !future.isCompletedExceptionally()).count();
		assertThat(written).isPositive().isEqualTo(statistics.getSentMessages());
		assertThat(this.pipes.recorder.droppedLines).hasSize((int) (count - written));
		// A stopping channel, not a failing one, on either engine.
		assertThat(this.pipes.recorder.transitions).endsWith("RUNNING->STOPPING", "STOPPING->STOPPED");
		assertThat(server.getLastFailure()).isNull();
	}

	@Test
	void anErrorAsTheStopCountsTheLinesItCouldNotWriteLeavesEveryLineGivenAndEverySenderTold() throws Exception {
		PipeServer server = this.pipes.start();
		// Thrown where the first line is dropped for the stop: here the count of the
		// lines the writer could not write, as no whole line waits unread in the pipe.
		server.getStatistics().forEachDropReason((reason) -> {
			if (reason == DropReason.SHUTDOWN) {
				throw new StackOverflowError("thrown as the stop counted the lines not written");
			}
		});
		List<CompletableFuture<Void>> queued = queueLinesTheStopDrops(server);
		List<Throwable> reported = stopReportingUncaught(server);
		assertThat(reported).singleElement()
			.satisfies((ex) -> assertThat(ex).isInstanceOf(StackOverflowError.class)
				.hasMessage("thrown as the stop counted the lines not written"));
		assertThat(server.getStatistics().getDropped(DropReason.SHUTDOWN)).isEqualTo(4);
		assertThat(this.pipes.recorder.droppedLines).hasSize(4);
		assertThat(queued).allSatisfy((future) -> assertThat(future).isCompletedExceptionally());
		assertThat(this.pipes.recorder.transitions).endsWith("RUNNING->STOPPING", "STOPPING->STOPPED");
		assertThat(server.getLastFailure()).isNull();
	}

	@Test
	void aListenersErrorForALostLineIsReportedAlsoWhenCountingTheLinesThrewFirst() throws Exception {
		PipeServer server = startWithAListenerThrowingForEachDroppedLine(() -> {
			throw new StackOverflowError("thrown for a line the stop dropped");
		});
		server.getStatistics().forEachDropReason((reason) -> {
			if (reason == DropReason.SHUTDOWN) {
				throw new IllegalStateException("thrown as the stop counted the lines not written");
			}
		});
		List<CompletableFuture<Void>> queued = queueLinesTheStopDrops(server);
		List<Throwable> reported = stopReportingUncaught(server);
		// The Error goes first, whatever came before it, carrying the exception.
		assertThat(reported).singleElement()
			.satisfies((ex) -> assertThat(ex).isInstanceOf(StackOverflowError.class)
				.hasMessage("thrown for a line the stop dropped")
				.hasSuppressedException(new IllegalStateException("thrown as the stop counted the lines not written")));
		assertThat(this.pipes.recorder.droppedLines).hasSize(4);
		assertThat(queued).allSatisfy((future) -> assertThat(future).isCompletedExceptionally());
	}

	@Test
	void linesThePipeTookWholeBeforeTheStopCutTheirBatchAreSentNotDropped() throws Exception {
		PipeServer server = this.pipes.start();
		try (InputStream client = new FileInputStream(this.pipes.out().toFile())) {
			// More than the pipe holds: the writer waits with the rest of it.
			server.send(new byte[70_000]);
			await().atMost(Duration.ofSeconds(5)).until(() -> server.getSendQueueSize() == 0);
			List<CompletableFuture<Void>> futures = new ArrayList<>();
			for (int i = 0; i < 1000; i++) {
				futures.add(server.sendAsync(String.format("%099d", i).getBytes(StandardCharsets.US_ASCII)));
			}
			// Room: the writer takes the 1,000 lines as one batch and fills the pipe with
			// them, where the stop cuts it.
			byte[] first = new byte[70_001];
			int got = 0;
			while (got < first.length) {
				got += client.read(first, got, first.length - got);
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> server.getSendQueueSize() == 0);
			server.stop(Duration.ofMillis(600));
			// Read by hand: readNBytes and readAllBytes ask a FIFO for its position.
			byte[] chunk = new byte[8192];
			int whole = 0;
			int read;
			while ((read = client.read(chunk)) > 0) {
				for (int i = 0; i < read; i++) {
					whole += (chunk[i] == '\n') ? 1 : 0;
				}
			}
			assertThat(whole).isPositive();
			// The client's end of file comes as the writer closes the pipe; the writer
			// accounts for the batch the stop cut after that, as its thread ends, which
			// on a busy machine can be a moment after stop returned.
			await().atMost(Duration.ofSeconds(10)).until(() -> TestPipes.engineThreads().isEmpty());
			ChannelStatistics statistics = server.getStatistics();
			assertThat(statistics.getSentMessages()).isEqualTo(1 + whole);
			assertThat(statistics.getDropped(DropReason.SHUTDOWN)).isEqualTo(1000 - whole);
			assertThat(futures.stream().filter((future) -> !future.isCompletedExceptionally())).hasSize(whole);
			assertThat(this.pipes.recorder.droppedLines).hasSize(1000 - whole);
		}
	}

	@Test
	void aSlowCallbackOfALineTheStopDropsDoesNotHoldUpTheStop() throws Exception {
		PipeServer server = this.pipes.start();
		// Nobody reads: the writer waits for room.
		server.send(new byte[70_000]);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.getSendQueueSize() == 0);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Void> dropped = server.sendAsync("dropped".getBytes(StandardCharsets.US_ASCII));
		dropped.whenComplete((ok, failure) -> awaitIgnoringInterrupts(release));
		try {
			assertTimeoutPreemptively(TestPipes.STOP_BOUND, () -> server.stop(TestPipes.STOP_TIMEOUT));
			assertThat(server.getState()).isEqualTo(PipeServerState.STOPPED);
		}
		finally {
			release.countDown();
		}
		// A writer the stop's deadline aborted accounts for its lines as it ends, which
		// on a busy machine can be a moment after stop returned.
		await().atMost(Duration.ofSeconds(10)).until(dropped::isDone);
		assertThat(dropped).isCompletedExceptionally();
		await().atMost(Duration.ofSeconds(10)).until(() -> TestPipes.engineThreads().isEmpty());
		assertThat(server.getStatistics().getDropped(DropReason.SHUTDOWN)).isEqualTo(2);
	}

	@Test
	void senderWaitingForRoomIsReleasedByStop() throws Exception {
		PipeServer server = this.pipes
			.start(this.pipes.settings().sendQueueCapacity(1).sendTimeout(Duration.ofSeconds(30)).build());
		server.send(new byte[256 * 1024]); // blocks the writer: nobody reads
		await().atMost(Duration.ofSeconds(5)).until(() -> server.getSendQueueSize() == 0);
		server.send(new byte[] { 'q' }); // fills the queue
		CompletableFuture<Void> waiting = new CompletableFuture<>();
		Thread sender = new Thread(() -> {
			try {
				server.send(new byte[] { 'w' });
				waiting.complete(null);
			}
			catch (RuntimeException ex) {
				waiting.completeExceptionally(ex);
			}
		}, "test-sender");
		sender.setDaemon(true);
		sender.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> sender.getState() == Thread.State.TIMED_WAITING);
		stopPromptly(server);
		assertThatThrownBy(() -> waiting.get(1, TimeUnit.SECONDS)).hasCauseInstanceOf(PipeSendException.class)
			.hasMessageContaining("'test'");
	}

	@Test
	void handlerStillRunning() throws Exception {
		CountDownLatch never = new CountDownLatch(1);
		CountDownLatch entered = new CountDownLatch(1);
		PipeServer server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
			entered.countDown();
			never.await();
		});
		server.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			// Several lines in one write, so in one chunk: interrupting the handler once
			// must not just move it on to the next line of that chunk.
			writer.sendRaw("slow-1\nslow-2\nslow-3\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
			stopPromptly(server);
		}
	}

	@Test
	void handlerIgnoringInterruptsDoesNotHoldUpStop() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch entered = new CountDownLatch(1);
		PipeServer server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
			entered.countDown();
			awaitIgnoringInterrupts(release); // the worst kind of handler
		});
		server.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("stubborn");
			assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
			assertTimeoutPreemptively(TestPipes.STOP_BOUND, () -> server.stop(TestPipes.STOP_TIMEOUT));
			assertThat(server.getState()).isEqualTo(PipeServerState.STOPPED);
			assertThat(this.pipes.in()).doesNotExist();
		}
		finally {
			release.countDown();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> TestPipes.engineThreads().isEmpty());
	}

	@Test
	void stopOnAnInterruptedThreadStillClosesTheQueueSoAReplyPlacedAfterItIsCounted() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch entered = new CountDownLatch(1);
		PipeServer server = this.pipes.server(this.pipes.settings().build(),
				TestPipes.replying((buffer, offset, length, replies) -> {
					// Collected with the chunk's replies, placed when the chunk ends.
					replies.send("reply".getBytes(StandardCharsets.US_ASCII));
					entered.countDown();
					awaitIgnoringInterrupts(release);
				}));
		server.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("stubborn");
			assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
			// Interrupted before it begins, the stop hurries: it must still close the
			// send queue, or the reply would be queued when the chunk ends, for a writer
			// that has ended: neither written nor counted.
			boolean interruptKept = assertTimeoutPreemptively(TestPipes.STOP_BOUND, () -> {
				Thread.currentThread().interrupt();
				server.stop(TestPipes.STOP_TIMEOUT);
				return Thread.interrupted();
			});
			assertThat(interruptKept).isTrue();
			assertThat(server.getState()).isEqualTo(PipeServerState.STOPPED);
		}
		finally {
			release.countDown();
		}
		ChannelStatistics statistics = server.getStatistics();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(statistics.getSentMessages() + statistics.getDroppedTotal()).isEqualTo(1));
		await().atMost(Duration.ofSeconds(5)).until(() -> TestPipes.engineThreads().isEmpty());
	}

	@Test
	void linesAReaderTookButTheStopNoLongerDispatchedAreCounted() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch entered = new CountDownLatch(1);
		PipeServer server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
			entered.countDown();
			release.await(); // until the stop interrupts it
		});
		server.start();
		try (PipeTestClient old = this.pipes.writer()) {
			old.send("slow");
			assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
			// The pipe is replaced: its reader, retired, stays in the slow call holding
			// the dispatch lock, and a new reader reads the new pipe. Held open for
			// writing before it is found, so that the new reader waits for data rather
			// than for the lock, to tell that nobody writes.
			Path replacement = this.dir.resolve("replacement");
			TestPipes.mkfifo(replacement);
			try (FileChannel writer = FileChannel.open(replacement, StandardOpenOption.READ,
					StandardOpenOption.WRITE)) {
				Files.move(replacement, this.pipes.in(), StandardCopyOption.ATOMIC_MOVE);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> this.pipes.recorder.recreated.contains(this.pipes.in()));
				writer.write(ByteBuffer.wrap("one\ntwo\n".getBytes(StandardCharsets.US_ASCII)));
				// The new reader took them from the pipe, and waits for the lock.
				await().atMost(Duration.ofSeconds(5)).until(() -> PipeContents.unreadBytes(this.pipes.in()) == 0);
				stopPromptly(server);
			}
		}
		finally {
			release.countDown();
		}
		assertThat(server.getStatistics().getDropped(DropReason.SHUTDOWN)).isEqualTo(2);
	}

	private static void awaitIgnoringInterrupts(CountDownLatch latch) {
		while (latch.getCount() > 0) {
			try {
				latch.await();
			}
			catch (InterruptedException ex) {
				// Deliberately ignored, like a handler that does not stop when told.
			}
		}
	}

	@Test
	void bothPipesDeletedWhileAClientIsAttached() throws Exception {
		PipeServer server = this.pipes.startEcho(this.pipes.settings().build());
		PipeTestClient client = this.pipes.client();
		assertThat(client.request("attached")).isEqualTo("attached");
		Files.delete(this.pipes.in());
		Files.delete(this.pipes.out());
		stopPromptly(server);
		assertThat(this.pipes.in()).doesNotExist();
		assertThat(this.pipes.out()).doesNotExist();
	}

	@Test
	void stopWhilePausedWithAClientAttached() throws Exception {
		PipeServer server = this.pipes.start();
		PipeTestClient writer = this.pipes.writer();
		server.pause();
		writer.send("held back");
		stopPromptly(server);
	}

	@Test
	void stopCalledTwice() throws Exception {
		PipeServer server = this.pipes.start();
		stopPromptly(server);
		stopPromptly(server);
		assertThat(this.pipes.recorder.transitions).endsWith("STOPPING->STOPPED");
		assertThat(this.pipes.recorder.transitions).filteredOn("RUNNING->STOPPING"::equals).hasSize(1);
	}

	@Test
	void stoppedServerStartsAgain() throws Exception {
		PipeServer server = this.pipes.startEcho(this.pipes.settings().build());
		try (PipeTestClient client = this.pipes.client()) {
			assertThat(client.request("first run")).isEqualTo("first run");
		}
		stopPromptly(server);
		server.start();
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
		try (PipeTestClient client = this.pipes.client()) {
			assertThat(client.request("second run")).isEqualTo("second run");
		}
		stopPromptly(server);
		assertThat(this.pipes.in()).doesNotExist();
	}

	@Test
	void noEngineThreadIsAliveWhenStopReturns() throws Exception {
		PipeServer server = this.pipes.start();
		PipeTestClient oldClient = this.pipes.writer();
		// A deleted pipe gives a retired reader (still serving oldClient) besides the new
		// one.
		Files.delete(this.pipes.in());
		this.pipes.awaitInPipeRetired();
		server.send(new byte[200_000]); // and a writer blocked on a full pipe
		oldClient.send("old");
		this.pipes.recorder.awaitStrings(1);
		stopPromptly(server);
	}

	/**
	 * Thread.isVirtual() exists from Java 21 on; before, every thread is a platform
	 * thread.
	 */
	private static boolean isVirtual(Thread thread) throws ReflectiveOperationException {
		try {
			return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
	}

	/** Stop within the bound, and leave nothing running. */
	private static void stopPromptly(PipeServer server) {
		stopPromptly(server, await());
	}

	/**
	 * Stop, then wait for the engine threads to end.
	 * @param await how to wait for them
	 */
	private static void stopPromptly(PipeServer server, ConditionFactory await) {
		assertTimeoutPreemptively(TestPipes.STOP_BOUND, () -> server.stop(TestPipes.STOP_TIMEOUT));
		assertThat(server.getState()).isEqualTo(PipeServerState.STOPPED);
		// Told to end: a stop that used its whole timeout waits no longer for them, so on
		// a busy machine an idle worker may end a moment after it returned.
		await.atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(TestPipes.engineThreads()).isEmpty());
	}

}
