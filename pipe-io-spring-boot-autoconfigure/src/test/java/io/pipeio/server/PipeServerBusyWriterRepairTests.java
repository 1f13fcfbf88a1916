package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The out pipe is deleted while a slow callback of a written line holds the writer: the
 * repair waits for the writer in later rounds rather than holding up the watchdog, which
 * every channel of the JVM shares, and the channel's stop.
 */
class PipeServerBusyWriterRepairTests extends PipeServerTestSupport {

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void releaseTheCallback() {
		this.release.countDown();
	}

	@Test
	void aBusyWriterHoldsUpNeitherTheWatchdogNorTheStopWhileItsOutPipeIsRecreated() throws Exception {
		PipeServer server = this.pipes.start();
		holdTheWriterInACallback(server);
		// Rounds are 200 ms apart: the channel's repair is tried in these.
		deleteTheOutPipeAndWaitRounds(3);
		assertTimeoutPreemptively(TestPipes.STOP_BOUND, () -> server.stop(Duration.ofSeconds(1)));
		assertThat(server.getState()).isEqualTo(PipeServerState.STOPPED);
	}

	@Test
	void theRepairPutOffForABusyWriterIsMadeOnceItIsFreeWithoutAnotherEvent() throws Exception {
		PipeWatchdog.setWatchedSweepMillis(Duration.ofHours(1).toMillis());
		try {
			PipeServer server = this.pipes.start();
			holdTheWriterInACallback(server);
			// The deletion's event makes the check look in the next round; where the
			// writer is busy (the event loop's, in a callback), the repair is put off to
			// rounds that no event nor (for an hour) sweep asks to look.
			deleteTheOutPipeAndWaitRounds(2);
			this.release.countDown();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.pipes.recorder.recreated.contains(this.pipes.out()));
			server.send("after".getBytes(StandardCharsets.UTF_8));
			try (PipeTestClient reader = this.pipes.reader()) {
				assertThat(reader.receive()).isEqualTo("after");
			}
		}
		finally {
			PipeWatchdog.setWatchedSweepMillis(PipeWatchdog.WATCHED_SWEEP_MILLIS);
		}
	}

	/**
	 * Delete the out pipe, then wait for the watchdog to run some rounds.
	 * @param count how many rounds
	 */
	private void deleteTheOutPipeAndWaitRounds(int count) throws Exception {
		AtomicInteger rounds = new AtomicInteger();
		PipeWatchdog.PipeCheck countRounds = (paths) -> rounds.incrementAndGet();
		PipeWatchdog.registerPipeCheck(countRounds, List.of());
		try {
			Files.delete(this.pipes.out());
			int before = rounds.get();
			await().atMost(Duration.ofSeconds(2)).until(() -> rounds.get() >= before + count);
		}
		finally {
			PipeWatchdog.unregisterPipeCheck(countRounds, 0);
		}
	}

	/**
	 * Leave the writer in the callback of a written line until {@link #release}.
	 */
	private void holdTheWriterInACallback(PipeServer server) throws Exception {
		// A line larger than the pipe, with no reader yet: the writer waits for room, so
		// the next line's callback is attached before it is written, and runs on the
		// thread that writes it.
		server.send(new byte[70_000]);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.getSendQueueSize() == 0);
		CountDownLatch inCallback = new CountDownLatch(1);
		server.sendAsync("slow".getBytes(StandardCharsets.UTF_8)).thenRun(() -> {
			inCallback.countDown();
			try {
				this.release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		PipeTestClient reader = this.pipes.reader();
		assertThat(reader.receiveBytes()).hasSize(70_000);
		assertThat(reader.receive()).isEqualTo("slow");
		assertThat(inCallback.await(5, TimeUnit.SECONDS)).isTrue();
	}

}
