package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client whose last bytes and departure are seen together: both came while the engine
 * was busy elsewhere, so one event reports the bytes and the hang-up. On the event loop,
 * with the handler on the loop thread, the in pipe is armed edge-triggered and would not
 * report that hang-up again: the read that empties the pipe must not end the turn.
 */
class PipeServerLastWriteDepartureTests extends PipeServerTestSupport {

	@Test
	void aClientThatWritesAndLeavesWhileTheLoopIsBusyIsReportedGoneAndItsPartialLineDropped() throws Exception {
		CountDownLatch blocking = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		// Another channel on the same loop, whose handler holds the loop thread for a
		// moment: far less than the watchdog waits before a new thread takes over.
		PipeServer blocker = this.pipes
			.server(TestPipes.settings("blocker", this.dir.resolve("blocker.in"), this.dir.resolve("blocker.out"))
				.dispatch(DispatchMode.LOOP)
				.build(), (buffer, offset, length) -> {
					blocking.countDown();
					release.await(10, TimeUnit.SECONDS);
				}, new PipeServerListener() {
				});
		blocker.start();
		PipeServer server = this.pipes.start(this.pipes.settings().dispatch(DispatchMode.LOOP).build());
		PipeTestClient writer = this.pipes.writer();
		// read empty once on the loop: edge-triggered from then on
		writer.send("first");
		this.pipes.recorder.awaitStrings(1);
		try (PipeTestClient blockerWriter = this.pipes.track(PipeTestClient.sender(this.dir.resolve("blocker.in")))) {
			blockerWriter.send("hold the loop");
			assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
			writer.sendRaw("partial".getBytes(StandardCharsets.UTF_8));
			writer.close();
			release.countDown();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.pipes.recorder.presence.size() == 2);
		assertThat(this.pipes.recorder.presence).containsExactly(true, false);
		assertThat(this.pipes.recorder.incomplete).containsExactly("partial");
		assertThat(server.getStatistics().getDropped(DropReason.INCOMPLETE)).isEqualTo(1);
		// and the next client is served as a fresh one
		try (PipeTestClient next = this.pipes.writer()) {
			next.send("second");
			assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("first", "second");
		}
	}

}
