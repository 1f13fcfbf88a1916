package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A mark at the end of what the in pipe holds ({@link PipeServer#fenceInput}): the lines
 * before it are handled before its action runs, the lines after it after, and a partial
 * line at the mark is dropped as incomplete rather than completed by the bytes after it.
 */
class PipeServerInputFenceTests extends PipeServerTestSupport {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Test
	void aMarkSetWhilePausedIsReachedBetweenTheLinesBeforeAndAfterIt() throws Exception {
		PipeServer server = this.pipes.start();
		server.pause();
		PipeTestClient writer = this.pipes.writer();
		writer.sendRaw("a\nhalf".getBytes(StandardCharsets.UTF_8));
		await().atMost(WAIT).until(() -> PipeContents.unreadBytes(this.pipes.in()) == 6);
		List<String> atMark = new CopyOnWriteArrayList<>();
		InputFence fence = server
			.fenceInput(() -> atMark.add(this.pipes.recorder.strings() + " " + this.pipes.recorder.incomplete));
		assertThat(fence.isReached()).isFalse();
		// Written after the mark: a new line starts here, whatever came before.
		writer.sendRaw(" done\nb\n".getBytes(StandardCharsets.UTF_8));
		await().atMost(WAIT).until(() -> PipeContents.unreadBytes(this.pipes.in()) == 14);
		server.resume();
		assertThat(this.pipes.recorder.awaitStrings(3)).containsExactly("a", " done", "b");
		await().atMost(WAIT).until(fence::isReached);
		assertThat(atMark).containsExactly("[a] [half]");
		assertThat(server.getStatistics().getDropped(DropReason.INCOMPLETE)).isEqualTo(1);
	}

	@Test
	void aMarkWithNothingLeftToHandleIsReachedWithoutMoreInput() throws Exception {
		PipeServer server = this.pipes.start();
		PipeTestClient writer = this.pipes.writer();
		writer.send("a");
		this.pipes.recorder.awaitStrings(1);
		List<String> atMark = new CopyOnWriteArrayList<>();
		InputFence fence = server.fenceInput(() -> atMark.add("reached"));
		// reached by the end of the chunk that handled "a", if that was still ending
		await().atMost(WAIT).until(fence::isReached);
		assertThat(atMark).containsExactly("reached");
		writer.send("b");
		assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("a", "b");
		assertThat(atMark).containsExactly("reached");
	}

	@Test
	void aPartialLineHandledBeforeTheMarkIsDroppedAtIt() throws Exception {
		PipeServer server = this.pipes.start();
		PipeTestClient writer = this.pipes.writer();
		writer.sendRaw("a\nhalf".getBytes(StandardCharsets.UTF_8));
		this.pipes.recorder.awaitStrings(1);
		// the reader took "half" and waits for its newline
		await().atMost(WAIT).until(() -> PipeContents.unreadBytes(this.pipes.in()) == 0);
		InputFence fence = server.fenceInput(() -> {
		});
		await().atMost(WAIT).until(fence::isReached);
		writer.send("b");
		assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("a", "b");
		assertThat(this.pipes.recorder.incomplete).containsExactly("half");
	}

	@Test
	void marksSetOneAfterTheOtherAreEachReached() throws Exception {
		PipeServer server = this.pipes.start();
		server.pause();
		PipeTestClient writer = this.pipes.writer();
		writer.send("a");
		List<String> reached = new CopyOnWriteArrayList<>();
		InputFence first = server.fenceInput(() -> reached.add("first " + this.pipes.recorder.strings()));
		writer.send("b");
		InputFence second = server.fenceInput(() -> reached.add("second " + this.pipes.recorder.strings()));
		writer.send("c");
		server.resume();
		assertThat(this.pipes.recorder.awaitStrings(3)).containsExactly("a", "b", "c");
		await().atMost(WAIT).until(() -> first.isReached() && second.isReached());
		assertThat(reached).hasSize(2).allMatch((at) -> at.endsWith("[a, b]"));
	}

	@Test
	void aMarkOfAStoppedServerIsReachedWhenItStartsAgain() throws Exception {
		PipeServer server = this.pipes.start();
		server.pause();
		PipeTestClient writer = this.pipes.writer();
		writer.send("a");
		await().atMost(WAIT).until(() -> PipeContents.unreadBytes(this.pipes.in()) == 2);
		InputFence fence = server.fenceInput(() -> {
		});
		writer.close();
		server.stop();
		server.start();
		assertThat(fence.isReached()).isTrue();
	}

}
