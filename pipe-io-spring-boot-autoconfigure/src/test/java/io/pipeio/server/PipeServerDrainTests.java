package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping and replacing pipes lose nothing the kernel still holds: lines clients wrote
 * before a stop are handled or counted as dropped, and a pipe replaced while the channel
 * was paused is read to its end after the resume.
 */
class PipeServerDrainTests extends PipeServerTestSupport {

	@Test
	void linesWaitingInThePipeWhenStopBeginsAreHandled() throws Exception {
		CountDownLatch stopping = new CountDownLatch(1);
		PipeServer server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
			this.pipes.recorder.onLine(buffer, offset, length);
			if (this.pipes.recorder.count() == 1) {
				// busy with the first line while the rest arrives
				stopping.await(10, TimeUnit.SECONDS);
			}
		});
		server.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("line 0");
			this.pipes.recorder.awaitStrings(1);
			for (int i = 1; i < 50; i++) {
				writer.send("line " + i);
			}
		}
		CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(5)));
		await().atMost(Duration.ofSeconds(5)).until(() -> server.getState() == PipeServerState.STOPPING);
		stopping.countDown();
		stop.get(10, TimeUnit.SECONDS);
		assertThat(this.pipes.recorder.strings()).hasSize(50).startsWith("line 0", "line 1").endsWith("line 49");
		assertThat(server.getStatistics().getReceivedMessages()).isEqualTo(50);
		assertThat(server.getStatistics().getDroppedTotal()).isZero();
	}

	@Test
	void linesNoLongerHandledBeforeTheStopTimeoutAreCountedAsShutdown() throws Exception {
		PipeServer server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
			this.pipes.recorder.onLine(buffer, offset, length);
			new CountDownLatch(1).await(); // until stop gives up and interrupts
		});
		server.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("stuck");
			this.pipes.recorder.awaitStrings(1);
			for (int i = 0; i < 30; i++) {
				writer.send("waiting " + i);
			}
			writer.sendRaw("cut sh".getBytes(StandardCharsets.US_ASCII));
			server.stop(TestPipes.STOP_TIMEOUT);
		}
		// The interrupted reader counts what it leaves as it ends, which on a busy
		// machine can be a moment after stop gave up waiting for it.
		await().atMost(Duration.ofSeconds(10)).until(() -> TestPipes.engineThreads().isEmpty());
		ChannelStatistics statistics = server.getStatistics();
		assertThat(statistics.getDropped(DropReason.HANDLER_ERROR)).isEqualTo(1);
		assertThat(statistics.getDropped(DropReason.SHUTDOWN)).isEqualTo(31);
		assertThat(this.pipes.recorder.strings()).containsExactly("stuck");
	}

	@Test
	void linesOfAPausedChannelAreCountedWhenItsPipeIsRemovedAtStop() throws Exception {
		PipeServer server = this.pipes.start();
		server.pause();
		try (PipeTestClient writer = this.pipes.writer()) {
			for (int i = 0; i < 20; i++) {
				writer.send("paused " + i);
			}
			server.stop(TestPipes.STOP_TIMEOUT);
		}
		assertThat(server.getStatistics().getDropped(DropReason.SHUTDOWN)).isEqualTo(20);
		assertThat(this.pipes.recorder.count()).isZero();
		assertThat(this.pipes.in()).doesNotExist();
	}

	@Test
	void aLineAPausedChannelWasCutInAtStopIsCountedAndItsRestIsNotTheNextServersLine() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		TestPipes.mkfifo(this.pipes.out());
		PipeServer server = this.pipes.server(this.pipes.settings().managePipes(false).build(), this.pipes.recorder);
		server.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			// one write, so one read: the start of "cut short" waits in the reader for
			// its newline
			writer.sendRaw("whole\ncut sh".getBytes(StandardCharsets.US_ASCII));
			this.pipes.recorder.awaitStrings(1);
			server.pause();
			writer.sendRaw("ort\nnext\n".getBytes(StandardCharsets.US_ASCII));
			server.stop(TestPipes.STOP_TIMEOUT);
			assertThat(server.getStatistics().getDropped(DropReason.SHUTDOWN)).isEqualTo(1);
			// The pipe outlives the server: its next reader starts at the next whole
			// line.
			server.start();
			server.resume();
			writer.send("last");
			assertThat(this.pipes.recorder.awaitStrings(3)).containsExactly("whole", "next", "last");
		}
		finally {
			server.stop(TestPipes.STOP_TIMEOUT);
		}
	}

	@Test
	void pipeReplacedWhilePausedIsReadToItsEndAfterTheResume() throws Exception {
		PipeServer server = this.pipes.start();
		server.pause();
		try (PipeTestClient writer = this.pipes.writer()) {
			for (int i = 0; i < 300; i++) {
				writer.send("held " + i);
			}
			Files.delete(this.pipes.in());
			await().atMost(Duration.ofSeconds(2)).until(() -> this.pipes.recorder.recreated.contains(this.pipes.in()));
			server.resume();
			assertThat(this.pipes.recorder.awaitStrings(300)).startsWith("held 0").endsWith("held 299");
			writer.send("still attached to the old pipe");
		}
		assertThat(this.pipes.recorder.awaitStrings(301)).last().isEqualTo("still attached to the old pipe");
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("to the new pipe");
		}
		assertThat(this.pipes.recorder.awaitStrings(302)).last().isEqualTo("to the new pipe");
		assertThat(server.getStatistics().getDroppedTotal()).isZero();
	}

}
