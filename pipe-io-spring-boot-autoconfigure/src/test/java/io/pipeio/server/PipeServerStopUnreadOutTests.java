package io.pipeio.server;

import java.io.BufferedReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Lines the server wrote into the out pipe that no client read: the stop's close of the
 * server's last descriptors throws them away, and they are counted as dropped
 * ({@code shutdown}, or {@code writer-failed} like the lines not written if the writer
 * failed), unless a client still holds the pipe open for reading (then they are its to
 * read, and not counted).
 */
class PipeServerStopUnreadOutTests extends PipeServerTestSupport {

	@Test
	void linesNoClientReadAreCountedWhenTheStopRemovesTheOutPipe() throws Exception {
		PipeServer server = this.pipes.start();
		sendUnread(server, 3);
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(TestPipes.isFifo(this.pipes.out())).as("the managed out pipe is removed").isFalse();
		assertThat(server.getStatistics().getDropped(DropReason.SHUTDOWN)).isEqualTo(3);
		assertThat(server.getStatistics().getDroppedTotal()).isEqualTo(3);
		assertThat(server.getStatistics().getSentMessages()).isEqualTo(3);
		// told, not only counted: a listener that logs or counts drops sees them too
		assertThat(this.pipes.recorder.drops).containsExactly(new Recorder.Drop(DropReason.SHUTDOWN, 3));
	}

	@Test
	void linesNoClientReadAreCountedWhenTheStopClosesAnUnmanagedOutPipe() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		TestPipes.mkfifo(this.pipes.out());
		PipeServer server = this.pipes.start(this.pipes.settings().managePipes(false).build());
		sendUnread(server, 3);
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(TestPipes.isFifo(this.pipes.out())).isTrue();
		assertThat(server.getStatistics().getDropped(DropReason.SHUTDOWN)).isEqualTo(3);
		server.start();
		try (PipeTestClient reader = this.pipes.reader()) {
			server.send("after".getBytes(StandardCharsets.UTF_8));
			assertThat(reader.receive()).isEqualTo("after");
		}
		assertThat(server.getStatistics().getDroppedTotal()).isEqualTo(3);
	}

	@Test
	void linesAClientHoldingTheOutPipeOpenReadsAfterTheStopAreNotCounted() throws Exception {
		PipeServer server = this.pipes.start();
		// opens the out pipe for reading, and reads it only once told to
		Process client = TestProcesses.startWithInput("bash", "-c", "exec 3<\"$1\"; echo open; read go; cat <&3",
				"bash", this.pipes.out().toString());
		try {
			BufferedReader output = client.inputReader(StandardCharsets.UTF_8);
			assertThat(output.readLine()).isEqualTo("open");
			sendUnread(server, 3);
			server.stop(TestPipes.STOP_TIMEOUT);
			assertThat(server.getStatistics().getDroppedTotal()).isZero();
			try (OutputStream input = client.getOutputStream()) {
				input.write("go\n".getBytes(StandardCharsets.US_ASCII));
			}
			List<String> lines = output.lines().toList();
			assertThat(lines).containsExactly("unread-0", "unread-1", "unread-2");
			assertThat(client.waitFor(TestProcesses.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		}
		finally {
			client.destroyForcibly();
		}
		assertThat(server.getStatistics().getDroppedTotal()).isZero();
	}

	@Test
	void everyLineOfAFullOutPipeNoClientReadIsCountedOnceAtStop() throws Exception {
		PipeServer server = this.pipes.start();
		int count = 800; // 101 bytes each with the newline: more than the pipe holds
		byte[] line = "x".repeat(100).getBytes(StandardCharsets.US_ASCII);
		for (int i = 0; i < count; i++) {
			server.send(line);
		}
		// The writer fills the pipe (64 KiB) and blocks: the stop waits for it, then
		// aborts the write, which may leave part of a line in the pipe.
		server.stop(TestPipes.STOP_TIMEOUT);
		// The writer, aborted at the stop's deadline, counts what it leaves as it ends:
		// on a busy machine that may be a moment after the stop returned.
		await().atMost(Duration.ofSeconds(10)).until(() -> TestPipes.engineThreads().isEmpty());
		ChannelStatistics statistics = server.getStatistics();
		assertThat(statistics.getDroppedTotal())
			.as("dropped (%s sent): a line in the pipe and one cut short are each counted once",
					statistics.getSentMessages())
			.isEqualTo(count);
		assertThat(statistics.getDropped(DropReason.SHUTDOWN)).isEqualTo(count);
		assertThat(statistics.getSentMessages()).as("lines the pipe took whole").isPositive();
	}

	@Test
	void aWriterFailingAfterTheStopAbortedItDropsItsUnreadAndItsQueuedLinesForOneReason() throws Exception {
		PipeServer server = this.pipes.start();
		sendUnread(server, 2);
		// The failure is injected: a line whose future, completed by the writer once the
		// pipe took the line, waits until the stop aborted the writer, then throws.
		CountDownLatch completing = new CountDownLatch(1);
		CountDownLatch stopped = new CountDownLatch(1);
		CompletableFuture<Void> failing = new CompletableFuture<>() {
			@Override
			public boolean complete(@Nullable Void value) {
				completing.countDown();
				try {
					stopped.await();
				}
				catch (InterruptedException ex) {
					// the thread engine's abort interrupts its writer thread
				}
				throw new IllegalStateException("injected into the writer after the stop");
			}
		};
		SendQueue queue = TestPipes.sendQueue(server);
		// Queued from a thread of its own: on the event loop, the thread that queues a
		// line writes it, and completes its future.
		Thread sender = new Thread(() -> {
			try {
				queue.offer(new QueuedLines.PendingLine("unread-2".getBytes(StandardCharsets.UTF_8), failing));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "test-sender");
		sender.start();
		assertThat(completing.await(5, TimeUnit.SECONDS)).isTrue();
		for (int i = 0; i < 3; i++) {
			server.send(("queued-" + i).getBytes(StandardCharsets.UTF_8));
		}
		server.stop(TestPipes.STOP_TIMEOUT);
		stopped.countDown();
		// The writer ends on the sender's thread on the event loop, on its own on the
		// thread engine.
		sender.join(Duration.ofSeconds(10).toMillis());
		await().atMost(Duration.ofSeconds(10)).until(() -> TestPipes.engineThreads().isEmpty());
		ChannelStatistics statistics = server.getStatistics();
		assertThat(statistics.getDroppedTotal()).isEqualTo(6);
		assertThat(server.getLastFailure()).hasMessageContaining("injected into the writer after the stop");
		// The writer failed, and the channel said so: the three lines it wrote that no
		// client read and the three still queued are dropped for that reason, each line
		// once, on either engine.
		assertThat(statistics.getDropped(DropReason.WRITER_FAILED)).isEqualTo(6);
		assertThat(statistics.getDropped(DropReason.SHUTDOWN)).isZero();
		assertThat(this.pipes.recorder.droppedLines).extracting(Recorder.DroppedLine::reason)
			.containsExactly(DropReason.WRITER_FAILED, DropReason.WRITER_FAILED, DropReason.WRITER_FAILED);
		assertThat(statistics.getSentMessages()).isEqualTo(3);
		// A failure after the stop began is the last failure, not a state: the channel
		// the operator stopped stays stopped.
		assertThat(server.getState()).isEqualTo(PipeServerState.STOPPED);
		assertThat(this.pipes.recorder.transitions).doesNotContain("STOPPING->FAILED", "STOPPED->FAILED")
			.endsWith("STOPPING->STOPPED");
	}

	private void sendUnread(PipeServer server, int count) throws Exception {
		for (int i = 0; i < count; i++) {
			server.send(("unread-" + i).getBytes(StandardCharsets.UTF_8));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.getStatistics().getSentMessages() == count);
		assertThat(PipeContents.unreadBytes(this.pipes.out())).isEqualTo(count * "unread-0\n".length());
	}

}
