package io.pipeio.server;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that keeps writing while its channel stops: every line it wrote is handled or
 * counted as dropped, however the stop ends the reading, and the drain handles what the
 * pipe held as the stop began rather than all the client goes on writing.
 */
class PipeServerStopWhileWritingTests extends PipeServerTestSupport {

	/** The shortest line the client writes, newline included: {@code "line 0\n"}. */
	private static final int SHORTEST_LINE = 7;

	/** A pipe's default size on Linux. */
	private static final int PIPE_SIZE = 64 * 1024;

	@Test
	void everyLineAClientWritesThroughAStopIsHandledOrCountedAndTheDrainEnds() throws Exception {
		AtomicBoolean stopping = new AtomicBoolean();
		AtomicBoolean stopped = new AtomicBoolean();
		AtomicLong handledWhileStopping = new AtomicLong();
		AtomicLong handledAfterStop = new AtomicLong();
		PipeServer server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
			this.pipes.recorder.onLine(buffer, offset, length);
			if (this.pipes.recorder.count() % 16 == 0) {
				// slower than the client, which fills the pipe meanwhile
				LockSupport.parkNanos(100_000);
			}
			if (stopped.get()) {
				handledAfterStop.incrementAndGet();
			}
			else if (stopping.get()) {
				handledWhileStopping.incrementAndGet();
			}
		});
		server.start();
		Client client = Client.start(this.pipes);
		await().atMost(Duration.ofSeconds(10)).until(() -> client.written.get() > 5_000);
		stopping.set(true);
		server.stop(Duration.ofSeconds(4));
		stopped.set(true);
		client.awaitRefused();
		assertThat(handledAfterStop).hasValue(0);
		// What the pipe held as the stop began, and the chunk being read: not the
		// seconds of lines the client goes on writing.
		int bufferSize = this.pipes.settings().build().getBufferSize();
		assertThat(handledWhileStopping.get()).isLessThanOrEqualTo(2L * (PIPE_SIZE + bufferSize) / SHORTEST_LINE);
		assertEveryLineHandledOrCounted(server, client);
	}

	@Test
	void everyLineAClientWritesThroughAStopIsHandledOrCountedWhenTheStopInterruptsTheHandler() throws Exception {
		AtomicBoolean stopping = new AtomicBoolean();
		CountDownLatch blocked = new CountDownLatch(1);
		AtomicLong interrupted = new AtomicLong();
		PipeServer server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
			this.pipes.recorder.onLine(buffer, offset, length);
			if (stopping.get() && interrupted.get() == 0) {
				blocked.countDown();
				try {
					new CountDownLatch(1).await(); // until the stop gives up on it
				}
				catch (InterruptedException ex) {
					interrupted.incrementAndGet();
					Thread.currentThread().interrupt();
				}
			}
		});
		server.start();
		Client client = Client.start(this.pipes);
		await().atMost(Duration.ofSeconds(10)).until(() -> client.written.get() > 5_000);
		stopping.set(true);
		assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
		server.stop(TestPipes.STOP_TIMEOUT);
		client.awaitRefused();
		// the interrupted reader counts what is left as it ends
		await().atMost(Duration.ofSeconds(10)).until(() -> TestPipes.engineThreads().isEmpty());
		assertThat(interrupted).hasValue(1);
		assertEveryLineHandledOrCounted(server, client);
	}

	@Test
	void everyLineAClientWritesThroughAStopIsCountedWhenItsRepliesWaitForAFullQueue() throws Exception {
		// Nobody reads the replies: each line is dropped, or handled and its reply
		// dropped (waiting for room, queued, or unread in the out pipe).
		PipeServer server = this.pipes.server(
				this.pipes.settings().overflow(OverflowPolicy.BLOCK).sendQueueCapacity(20).build(),
				TestPipes.replying((buffer, offset, length, replies) -> replies
					.send(Arrays.copyOfRange(buffer, offset, offset + length))));
		server.start();
		Client client = Client.start(this.pipes);
		await().atMost(Duration.ofSeconds(10)).until(() -> client.written.get() > 5_000);
		server.stop(Duration.ofMillis(600));
		client.awaitRefused();
		await().atMost(Duration.ofSeconds(10)).until(() -> TestPipes.engineThreads().isEmpty());
		assertThat(server.getStatistics().getDroppedTotal()).isEqualTo(client.written.get());
	}

	private void assertEveryLineHandledOrCounted(PipeServer server, Client client) {
		ChannelStatistics statistics = server.getStatistics();
		assertThat(statistics.getDropped(DropReason.SHUTDOWN)).isPositive();
		assertThat(statistics.getDroppedTotal()).isEqualTo(statistics.getDropped(DropReason.SHUTDOWN));
		assertThat(this.pipes.recorder.count() + statistics.getDropped(DropReason.SHUTDOWN))
			.isEqualTo(client.written.get());
	}

	/**
	 * Writes numbered lines, one write each, until a write fails: the server let go of
	 * the pipe. A write that failed took nothing, so {@link #written} is what the pipe
	 * took.
	 */
	private static final class Client {

		final AtomicLong written = new AtomicLong();

		private final CountDownLatch refused = new CountDownLatch(1);

		static Client start(TestPipes pipes) {
			Client client = new Client();
			Thread thread = new Thread(() -> {
				try (FileOutputStream out = new FileOutputStream(pipes.in().toFile())) {
					for (long i = 0;; i++) {
						out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
						client.written.incrementAndGet();
					}
				}
				catch (IOException ex) {
					client.refused.countDown();
				}
			}, "test-client");
			thread.setDaemon(true);
			thread.start();
			return client;
		}

		void awaitRefused() throws InterruptedException {
			assertThat(this.refused.await(10, TimeUnit.SECONDS))
				.as("the client's write fails once the server lets go of the pipe")
				.isTrue();
		}

	}

}
