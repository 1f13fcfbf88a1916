package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A handler that ignores interruption outlives a {@code stop()}, which abandons its
 * thread. A start while it still runs cannot deliver lines (the handler is never called
 * concurrently), so the channel says FAILED, and why, instead of RUNNING; once the call
 * returns, the lines that waited in the pipe are delivered in order and the channel is
 * RUNNING again.
 */
class PipeServerAbandonedHandlerTests extends PipeServerTestSupport {

	private final CountDownLatch release = new CountDownLatch(1);

	private final CountDownLatch entered = new CountDownLatch(1);

	private PipeServer server;

	/** The name of the thread left running the stubborn call. */
	private String abandoned;

	@BeforeEach
	void startWithAStubbornHandler() throws Exception {
		this.server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
			this.pipes.recorder.onLine(buffer, offset, length);
			if (new String(buffer, offset, length, StandardCharsets.UTF_8).equals("stubborn")) {
				this.entered.countDown();
				while (this.release.getCount() > 0) {
					try {
						this.release.await();
					}
					catch (InterruptedException ex) {
						// Deliberately ignored: the worst kind of handler.
					}
				}
			}
		});
		this.server.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("stubborn");
		}
		assertThat(this.entered.await(5, TimeUnit.SECONDS)).isTrue();
		stopPromptly();
		assertThat(TestPipes.engineThreads()).anyMatch((name) -> name.matches(TestPipes.abandonedThreadPattern()));
		// Threads that had nothing to do end with the stop: the abandoned one is left.
		await().atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> assertThat(TestPipes.engineThreads()).singleElement()
				.satisfies((name) -> assertThat(name).matches(TestPipes.abandonedThreadPattern())));
		this.abandoned = TestPipes.engineThreads().get(0);
	}

	@AfterEach
	void releaseTheHandler() {
		this.release.countDown();
	}

	@Test
	void startWhileTheAbandonedCallRunsReportsFailedThenServesOnceItReturns() throws Exception {
		this.server.start();
		assertThat(this.server.getState()).isEqualTo(PipeServerState.FAILED);
		assertThat(this.server.getLastFailure()).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("'test'")
			.hasMessageContaining(this.abandoned)
			.hasMessageContaining("has not returned");
		assertThat(this.server.getStatistics().getLastError().message()).contains("has not returned");
		assertThat(this.pipes.recorder.transitions).endsWith("STOPPED->STARTING", "STARTING->FAILED");
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("next");
			writer.send("and next");
		}
		assertThat(this.pipes.recorder.strings()).containsExactly("stubborn");
		this.release.countDown();
		assertThat(this.pipes.recorder.awaitStrings(3)).containsExactly("stubborn", "next", "and next");
		await().atMost(Duration.ofSeconds(2)).until(() -> this.server.getState() == PipeServerState.RUNNING);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> TestPipes.engineThreads().stream().noneMatch((name) -> name.endsWith("-abandoned")));
	}

	@Test
	void stopAndStartWhileTheAbandonedCallStillRuns() throws Exception {
		this.server.start();
		assertThat(this.server.getState()).isEqualTo(PipeServerState.FAILED);
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("lost with the pipe");
		}
		stopPromptly();
		this.server.start();
		assertThat(this.server.getState()).isEqualTo(PipeServerState.FAILED);
		this.release.countDown();
		await().atMost(Duration.ofSeconds(2)).until(() -> this.server.getState() == PipeServerState.RUNNING);
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("served");
		}
		assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("stubborn", "served");
	}

	private void stopPromptly() {
		assertTimeoutPreemptively(TestPipes.STOP_BOUND, () -> this.server.stop(TestPipes.STOP_TIMEOUT));
		assertThat(this.server.getState()).isEqualTo(PipeServerState.STOPPED);
	}

}
