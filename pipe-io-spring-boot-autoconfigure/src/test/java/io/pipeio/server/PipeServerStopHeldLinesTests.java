package io.pipeio.server;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lines a paused channel held in an in pipe it did not create: left there for the next
 * server while a client holds the pipe open, and counted as dropped when none does (the
 * stop's close of the last reader then frees the pipe's buffer).
 */
class PipeServerStopHeldLinesTests extends PipeServerTestSupport {

	@Test
	void linesHeldByAPauseInAnUnmanagedPipeWhoseClientLeftAreCountedAtStop() throws Exception {
		PipeServer server = startUnmanaged();
		server.pause();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("held-1");
			writer.send("held-2");
		}
		// the client has left; both lines wait in the pipe
		assertThat(PipeContents.unreadBytes(this.pipes.in())).isEqualTo(2 * "held-1\n".length());
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(server.getStatistics().getDropped(DropReason.SHUTDOWN)).isEqualTo(2);
		assertThat(server.getStatistics().getDroppedTotal()).isEqualTo(2);
		assertThat(this.pipes.recorder.drops).containsExactly(new Recorder.Drop(DropReason.SHUTDOWN, 2));
		// counted, not delivered too
		server.start();
		server.resume();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("after");
		}
		assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("after");
		assertThat(server.getStatistics().getDroppedTotal()).isEqualTo(2);
	}

	@Test
	void linesHeldByAPauseInAnUnmanagedPipeStayForTheNextServerWhileTheirClientHoldsIt() throws Exception {
		PipeServer server = startUnmanaged();
		server.pause();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("kept-1");
			writer.send("kept-2");
			server.stop(TestPipes.STOP_TIMEOUT);
			assertThat(server.getStatistics().getDroppedTotal()).isZero();
			server.start();
			server.resume();
			writer.send("kept-3");
			assertThat(this.pipes.recorder.awaitStrings(3)).containsExactly("kept-1", "kept-2", "kept-3");
		}
		assertThat(server.getStatistics().getDroppedTotal()).isZero();
	}

	private PipeServer startUnmanaged() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		TestPipes.mkfifo(this.pipes.out());
		return this.pipes.start(this.pipes.settings().managePipes(false).build());
	}

}
