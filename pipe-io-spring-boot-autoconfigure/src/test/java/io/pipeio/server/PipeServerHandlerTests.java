package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failing or misbehaving handler costs its own line only: the failure is reported with
 * the line and the channel keeps serving, including clients that stay attached meanwhile.
 */
class PipeServerHandlerTests extends PipeServerTestSupport {

	@Test
	void handlerExceptionIsReportedWithTheLineAndTheChannelKeepsServing() throws Exception {
		IllegalStateException failure = new IllegalStateException("handler failed");
		PipeServer server = startWith((line) -> {
			if (line.equals("boom")) {
				throw failure;
			}
		});
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("before");
			writer.send("boom");
			writer.send("after");
		}
		assertThat(this.pipes.recorder.awaitStrings(3)).containsExactly("before", "boom", "after");
		assertThat(this.pipes.recorder.handlerErrors).singleElement().satisfies((error) -> {
			assertThat(error.line()).isEqualTo("boom");
			assertThat(error.error()).isSameAs(failure);
		});
		assertThat(server.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isEqualTo(1);
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
	}

	@Test
	void handlerThrowingErrorDoesNotKillTheReader() throws Exception {
		startWith((line) -> {
			if (line.equals("error")) {
				throw new AssertionError("an Error, not an Exception");
			}
		});
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("error");
			writer.send("served");
		}
		assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("error", "served");
		assertThat(this.pipes.recorder.handlerErrors).hasSize(1);
	}

	/**
	 * A handler that leaves its thread interrupted (or throws InterruptedException) must
	 * not make the next read fail: that would close the pipe under a client still writing
	 * to it.
	 */
	@Test
	void handlerInterruptingItsThreadDoesNotBreakAnAttachedClient() throws Exception {
		PipeServer server = startWith((line) -> {
			if (line.equals("interrupt")) {
				Thread.currentThread().interrupt();
			}
			else if (line.equals("throw")) {
				throw new InterruptedException("from the handler");
			}
		});
		Thread reader = TestPipes.readerThread();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("interrupt");
			this.pipes.recorder.awaitStrings(1);
			writer.send("throw");
			this.pipes.recorder.awaitStrings(2);
			// Attached all along: this write fails with "Broken pipe" if the server
			// closed its end.
			writer.send("still attached");
			assertThat(this.pipes.recorder.awaitStrings(3)).containsExactly("interrupt", "throw", "still attached");
		}
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
		assertThat(this.pipes.recorder.recreated).isEmpty();
		this.pipes.assertReaderSurvived(reader);
	}

	/**
	 * Metrics must agree with what a client sees: once it has the reply, the request is
	 * counted, even while the handler is still busy with the rest of its chunk.
	 */
	@Test
	void lineIsCountedAsReceivedBeforeItsReplyCanLeave() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		PipeServer server = this.pipes.server(this.pipes.settings().build(),
				TestPipes.replying((buffer, offset, length, replies) -> {
					// sendAsync is handed to the writer at once, while the handler is
					// still running.
					replies.sendAsync("reply".getBytes(StandardCharsets.US_ASCII));
					release.await(10, TimeUnit.SECONDS);
				}));
		server.start();
		try (PipeTestClient client = this.pipes.client()) {
			client.send("request");
			assertThat(client.receive()).isEqualTo("reply");
			assertThat(server.getStatistics().getReceivedMessages()).isEqualTo(1);
			assertThat(server.getStatistics().getReceivedBytes()).isEqualTo("request".length());
		}
		finally {
			release.countDown();
		}
	}

	private PipeServer startWith(ThrowingHandler behaviour) throws Exception {
		PipeServer server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
			this.pipes.recorder.onLine(buffer, offset, length);
			behaviour.handle(new String(buffer, offset, length, StandardCharsets.UTF_8));
		});
		server.start();
		return server;
	}

	@FunctionalInterface
	private interface ThrowingHandler {

		void handle(String line) throws Exception;

	}

}
