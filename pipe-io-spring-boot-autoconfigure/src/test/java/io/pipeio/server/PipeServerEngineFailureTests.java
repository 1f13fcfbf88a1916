package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.pipeio.test.PipeTestClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * An {@code Error} or unexpected exception in an engine thread — reader, retired reader,
 * writer, watchdog check — never leaves a dead thread behind a RUNNING state: the channel
 * goes FAILED with the cause (counted as its last error, told to the listener) and
 * recovers where it can.
 */
class PipeServerEngineFailureTests extends PipeServerTestSupport {

	private static final Duration RECOVERED_WITHIN = Duration.ofSeconds(2);

	@Test
	void handlerThrowingOutOfMemoryErrorOrStackOverflowErrorCostsOnlyItsLine() throws Exception {
		PipeServer server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
			this.pipes.recorder.onLine(buffer, offset, length);
			String line = new String(buffer, offset, length, StandardCharsets.UTF_8);
			if (line.equals("oom")) {
				throw new OutOfMemoryError("thrown by the handler");
			}
			if (line.equals("deep")) {
				recurse(0);
			}
		});
		server.start();
		Thread reader = TestPipes.readerThread();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.sendRaw("oom\ndeep\nafter\n".getBytes(StandardCharsets.UTF_8));
			assertThat(this.pipes.recorder.awaitStrings(3)).containsExactly("oom", "deep", "after");
		}
		assertThat(this.pipes.recorder.handlerErrors).extracting((error) -> error.error().getClass().getSimpleName())
			.containsExactly("OutOfMemoryError", "StackOverflowError");
		assertThat(server.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isEqualTo(2);
		assertThat(server.getStatistics().getLastError().type()).isEqualTo(StackOverflowError.class.getName());
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
		this.pipes.assertReaderSurvived(reader);
	}

	@Test
	void listenerThrowingAnErrorInTheReaderFailsTheChannelVisiblyAndReadingGoesOn() throws Exception {
		PipeServer server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
			this.pipes.recorder.onLine(buffer, offset, length);
			if (new String(buffer, offset, length, StandardCharsets.UTF_8).equals("boom")) {
				throw new IllegalStateException("handler failed");
			}
		}, new FailingListener() {
			@Override
			public void onHandlerError(PipeServer failed, byte[] line, Throwable error) {
				throw new StackOverflowError("thrown while reporting a handler error");
			}
		});
		server.start();
		Thread reader = TestPipes.readerThread();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("boom");
			awaitFailedThenRunning(server, StackOverflowError.class);
			// The client stayed attached all along: this write fails with EPIPE if the
			// reader died.
			writer.send("after");
			assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("boom", "after");
		}
		this.pipes.assertReaderSurvived(reader);
	}

	@Test
	void listenerThrowingOnAClientsArrivalFailsTheChannelVisiblyAndTheLinesReadAreStillHandled() throws Exception {
		PipeServer server = this.pipes.server(this.pipes.settings().build(), this.pipes.recorder,
				new FailingListener() {
					@Override
					public void onClientPresenceChanged(PipeServer failed, boolean connected) {
						if (connected) {
							throw new IllegalStateException("thrown on a client's arrival");
						}
					}
				});
		server.start();
		Thread reader = TestPipes.readerThread();
		try (PipeTestClient writer = this.pipes.writer()) {
			// Told between reading the chunk and handling it: the chunk must not be lost.
			writer.sendRaw("first\nsecond\n".getBytes(StandardCharsets.UTF_8));
			awaitFailedThenRunning(server, IllegalStateException.class);
			assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("first", "second");
		}
		assertThat(server.getStatistics().getDroppedTotal()).isZero();
		this.pipes.assertReaderSurvived(reader);
	}

	@Test
	void errorWhileFramingSkipsTheRestOfTheBrokenLineAndReadingGoesOn() throws Exception {
		PipeServer server = this.pipes.server(this.pipes.settings().maxMessageSize(16).build(), this.pipes.recorder,
				new FailingListener() {
					@Override
					public void onDropped(PipeServer failed, DropReason reason, long size) {
						throw new OutOfMemoryError("thrown while reporting a dropped line");
					}
				});
		server.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			// The error hits at the first newline: the rest of the chunk, two lines and
			// the start of a third, is lost.
			writer.sendRaw(("x".repeat(40) + "\nlost\nlost too\npar").getBytes(StandardCharsets.UTF_8));
			awaitFailedThenRunning(server, OutOfMemoryError.class);
			writer.sendRaw("tial\nnext\n".getBytes(StandardCharsets.UTF_8));
			// The remainder of the broken line is not delivered as a line of its own.
			assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("next");
		}
		assertThat(server.getStatistics().getReceivedMessages()).isEqualTo(1);
		// Every line is counted once: the over-size one before the error, the rest with
		// it.
		assertThat(server.getStatistics().getDropped(DropReason.TOO_LARGE)).isEqualTo(1);
		assertThat(server.getStatistics().getDropped(DropReason.READER_FAILED)).isEqualTo(3);
	}

	@Test
	void retiredReaderErrorFailsTheChannelVisiblyAndItKeepsDraining() throws Exception {
		PipeServer server = this.pipes.server(this.pipes.settings().maxMessageSize(16).build(), this.pipes.recorder,
				new FailingListener() {
					@Override
					public void onDropped(PipeServer failed, DropReason reason, long size) {
						throw new StackOverflowError("thrown in the retired reader");
					}
				});
		server.start();
		PipeTestClient old = this.pipes.writer();
		Files.delete(this.pipes.in());
		this.pipes.awaitInPipeRetired();
		old.send("x".repeat(40));
		awaitFailedThenRunning(server, StackOverflowError.class);
		old.send("still read");
		assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("still read");
	}

	@Test
	void writerErrorFailsTheChannelAndSendsFailAtOnceUntilItIsRestarted() throws Exception {
		PipeServer server = this.pipes.startEcho(this.pipes.settings().build());
		// Nothing a user does runs on the writer thread, so the fault is injected: a line
		// whose future throws when the writer completes it.
		CompletableFuture<Void> failing = new CompletableFuture<>() {
			@Override
			public boolean complete(@Nullable Void value) {
				throw new StackOverflowError("injected into the writer");
			}
		};
		assertThat(TestPipes.sendQueue(server).offer(new QueuedLines.PendingLine(new byte[] { 'x' }, failing)))
			.isTrue();
		await().atMost(RECOVERED_WITHIN).until(() -> server.getState() == PipeServerState.FAILED);
		assertThat(String.valueOf(server.getLastFailure())).contains("injected into the writer");
		assertThat(this.pipes.recorder.transitions).contains("RUNNING->FAILED");
		assertThatExceptionOfType(PipeSendException.class).isThrownBy(() -> server.send(new byte[] { 'y' }))
			.withMessageContaining("FAILED");
		// The watchdog keeps it FAILED, saying why, rather than reporting it recovered.
		await().atMost(RECOVERED_WITHIN)
			.until(() -> String.valueOf(server.getLastFailure()).contains("writer thread of channel 'test' ended"));
		assertThat(server.getLastFailure()).hasMessageContaining("injected into the writer")
			.hasMessageContaining("restart the channel");
		assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
		server.stop(TestPipes.STOP_TIMEOUT);
		server.start();
		try (PipeTestClient client = this.pipes.client()) {
			assertThat(client.request("restarted")).isEqualTo("restarted");
		}
	}

	@Test
	void aWriterThatFailsAsTheWatchdogMendsAPipeIsNotReportedRecovered() throws Exception {
		List<String> transitions = new CopyOnWriteArrayList<>();
		AtomicReference<@Nullable PipeServer> started = new AtomicReference<>();
		PipeServer server = this.pipes.server(this.pipes.settings().build(), this.pipes.recorder,
				new PipeServerListener() {

					@Override
					public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
							@Nullable Throwable cause) {
						transitions.add(previous + "->" + current);
					}

					@Override
					public void onPipeRecreated(PipeServer server, Path path, boolean created) {
						// Told by the watchdog once its check found the writer alive:
						// the writer fails now, before the next check. A failure within
						// the check itself is ServerStateTests' case.
						if (started.get() != null && path.equals(server.getSettings().getOutPath())) {
							failTheWriter(server);
							await().atMost(RECOVERED_WITHIN).until(() -> server.getState() == PipeServerState.FAILED);
						}
					}

				});
		server.start();
		started.set(server);
		Files.delete(this.pipes.out());
		await().atMost(RECOVERED_WITHIN)
			.until(() -> String.valueOf(server.getLastFailure()).contains("writer thread of channel 'test' ended"));
		assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
		// Failed by the writer, then, a round later, by the check that finds it ended;
		// never running in between.
		assertThat(transitions).containsExactly("STOPPED->STARTING", "STARTING->RUNNING", "RUNNING->FAILED",
				"FAILED->FAILED");
	}

	/**
	 * Make the writer fail: nothing a user does runs on the writer thread, so the fault
	 * is injected, a line whose future throws when the writer completes it.
	 */
	private static void failTheWriter(PipeServer server) {
		CompletableFuture<Void> failing = new CompletableFuture<>() {
			@Override
			public boolean complete(@Nullable Void value) {
				throw new StackOverflowError("injected into the writer");
			}
		};
		try {
			assertThat(TestPipes.sendQueue(server).offer(new QueuedLines.PendingLine(new byte[] { 'x' }, failing)))
				.isTrue();
		}
		catch (ReflectiveOperationException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void errorInTheWatchdogCheckFailsTheChannelAndTheWatchdogGoesOn() throws Exception {
		PipeServer server = this.pipes.server(this.pipes.settings().build(), this.pipes.recorder,
				new FailingListener() {
					@Override
					public void onPipeRecreated(PipeServer failed, Path path) {
						super.onPipeRecreated(failed, path);
						throw new StackOverflowError("thrown on the watchdog thread");
					}
				});
		server.start();
		Files.delete(this.pipes.out());
		awaitFailedThenRunning(server, StackOverflowError.class);
		Thread watchdog = TestPipes.thread("pipe-io-watchdog");
		// The shared watchdog thread survived: it still repairs pipes.
		Files.delete(this.pipes.in());
		await().atMost(RECOVERED_WITHIN).until(() -> TestPipes.isFifo(this.pipes.in()));
		assertThat(TestPipes.thread("pipe-io-watchdog")).isSameAs(watchdog);
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("served");
		}
		assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("served");
	}

	@Test
	void anErrorTheListenerThrowsForALineAFailedStartDropsDoesNotHideWhyTheStartFailed() throws Exception {
		// A regular file where the out pipe goes: each start fails once sends are taken.
		Files.createFile(this.pipes.out());
		Recorder recorder = this.pipes.recorder;
		PipeServer server = this.pipes.server(this.pipes.settings().build(), recorder, new FailingListener() {
			@Override
			public void onLineDropped(PipeServer failed, DropReason reason, byte[] line) {
				recorder.onLineDropped(failed, reason, line);
				throw new StackOverflowError("thrown for a line the failed start dropped");
			}
		});
		// A failed start drops only a line sent while it ran: a sender keeps sending
		// while the test starts the channel until one did.
		AtomicBoolean sending = new AtomicBoolean(true);
		Thread sender = new Thread(() -> {
			while (sending.get()) {
				server.sendAsync(new byte[] { 'x' });
			}
		}, "test-sender");
		AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
		sender.start();
		try {
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1)).until(() -> {
				thrown.set(catchThrowable(server::start));
				return !recorder.droppedLines.isEmpty();
			});
		}
		finally {
			sending.set(false);
			sender.join(Duration.ofSeconds(10).toMillis());
		}
		// What start throws is why it failed, the listener's error added to it.
		assertThat(thrown.get()).isInstanceOf(PipeFileException.class)
			.satisfies((ex) -> assertThat(ex.getSuppressed()).singleElement()
				.satisfies((suppressed) -> assertThat(suppressed).isInstanceOf(StackOverflowError.class)
					.hasMessage("thrown for a line the failed start dropped")));
		assertThat(recorder.droppedLines)
			.allSatisfy((lost) -> assertThat(lost.reason()).isEqualTo(DropReason.WRITER_FAILED));
		assertThat(server.getStatistics().getDropped(DropReason.WRITER_FAILED)).isEqualTo(recorder.droppedLines.size());
		assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
		assertThat(server.getLastFailure()).isSameAs(thrown.get());
		assertThatExceptionOfType(PipeSendException.class).isThrownBy(() -> server.send(new byte[] { 'y' }));
		// It let go of the pipes' lock and claims: another server serves them.
		Files.delete(this.pipes.out());
		PipeServer next = this.pipes.startEcho(this.pipes.settings().build());
		try (PipeTestClient client = this.pipes.client()) {
			assertThat(client.request("served")).isEqualTo("served");
		}
		next.stop(TestPipes.STOP_TIMEOUT);
		// And the failed server starts again once its pipes can be opened.
		server.start();
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
	}

	@Test
	void anEngineThreadThatFailsWhileTheChannelStopsLeavesTheStopsChangesToTheStoppingThread() throws Exception {
		List<String> transitions = new CopyOnWriteArrayList<>();
		AtomicReference<@Nullable PipeServer> started = new AtomicReference<>();
		PipeServer server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
			// the line is handled as the stop begins
			await().atMost(RECOVERED_WITHIN).until(() -> {
				PipeServer self = started.get();
				return self != null && self.getState() == PipeServerState.STOPPING;
			});
			throw new IllegalStateException("handler failed");
		}, new PipeServerListener() {

			@Override
			public void onStateChanged(PipeServer changed, PipeServerState previous, PipeServerState current,
					@Nullable Throwable cause) {
				transitions.add(previous + "->" + current + " on " + Thread.currentThread().getName());
			}

			@Override
			public void onHandlerError(PipeServer failed, byte[] line, Throwable error) {
				// fails the reader, or the loop's worker, while the stop runs
				throw new StackOverflowError("thrown while reporting a handler error");
			}

		});
		server.start();
		started.set(server);
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("line");
			server.stop(TestPipes.STOP_TIMEOUT);
		}
		assertThat(server.getStatistics().getLastError().type()).isEqualTo(StackOverflowError.class.getName());
		String stopping = Thread.currentThread().getName();
		assertThat(transitions).containsExactly("STOPPED->STARTING on " + stopping, "STARTING->RUNNING on " + stopping,
				"RUNNING->STOPPING on " + stopping, "STOPPING->STOPPED on " + stopping);
	}

	/**
	 * Wait for the channel to report the failure and, at the watchdog's next check,
	 * recover; the failure is its last error and was told to the listener.
	 */
	private void awaitFailedThenRunning(PipeServer server, Class<? extends Throwable> type) {
		await().atMost(RECOVERED_WITHIN).until(() -> this.pipes.recorder.transitions.contains("RUNNING->FAILED"));
		await().atMost(RECOVERED_WITHIN).until(() -> this.pipes.recorder.transitions.contains("FAILED->RUNNING"));
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
		assertThat(server.getStatistics().getLastError().type()).isEqualTo(type.getName());
		assertThat(this.pipes.recorder.failures).hasAtLeastOneElementOfType(type);
	}

	private static int recurse(int depth) {
		return recurse(depth + 1) + 1;
	}

	/**
	 * A listener that records like the fixture's {@link Recorder} and fails where a test
	 * overrides it, as a broken observer would.
	 */
	private abstract class FailingListener implements PipeServerListener {

		@Override
		public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
				@Nullable Throwable cause) {
			PipeServerEngineFailureTests.this.pipes.recorder.onStateChanged(server, previous, current, cause);
		}

		@Override
		public void onPipeRecreated(PipeServer server, Path path) {
			PipeServerEngineFailureTests.this.pipes.recorder.onPipeRecreated(server, path);
		}

	}

}
