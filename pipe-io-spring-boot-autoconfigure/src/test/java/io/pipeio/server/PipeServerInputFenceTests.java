package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
		// The second mark was set before the first was reached: each is reached at its
		// own place all the same.
		assertThat(reached).containsExactly("first [a]", "second [a, b]");
	}

	@Test
	void marksSetOneAfterTheOtherInOneChunkEachDropTheirPartialLine() throws Exception {
		PipeServer server = this.pipes.start();
		server.pause();
		PipeTestClient writer = this.pipes.writer();
		List<String> reached = new CopyOnWriteArrayList<>();
		writer.sendRaw("a\nhalf".getBytes(StandardCharsets.UTF_8));
		await().atMost(WAIT).until(() -> PipeContents.unreadBytes(this.pipes.in()) == 6);
		InputFence first = server.fenceInput(() -> reached.add("first " + this.pipes.recorder.strings()));
		writer.sendRaw("b\nother half".getBytes(StandardCharsets.UTF_8));
		await().atMost(WAIT).until(() -> PipeContents.unreadBytes(this.pipes.in()) == 18);
		InputFence second = server.fenceInput(() -> reached.add("second " + this.pipes.recorder.strings()));
		InputFence third = server.fenceInput(() -> reached.add("third " + this.pipes.recorder.strings()));
		writer.sendRaw("c\n".getBytes(StandardCharsets.UTF_8));
		await().atMost(WAIT).until(() -> PipeContents.unreadBytes(this.pipes.in()) == 20);
		server.resume();
		assertThat(this.pipes.recorder.awaitStrings(3)).containsExactly("a", "b", "c");
		await().atMost(WAIT).until(() -> first.isReached() && second.isReached() && third.isReached());
		assertThat(reached).containsExactly("first [a]", "second [a, b]", "third [a, b]");
		assertThat(this.pipes.recorder.incomplete).containsExactly("half", "other half");
	}

	@Test
	void aMarkSetWhileAChunkIsEndingIsReachedAsItEnds() throws Exception {
		CountDownLatch ending = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean first = new AtomicBoolean(true);
		// The first chunk's end takes its time, as one waiting for room for its replies
		// does, with the dispatch lock held.
		PipeServer server = this.pipes.server(this.pipes.settings().build(), new LineHandler() {

			@Override
			public void onLine(byte[] buffer, int offset, int length) {
				PipeServerInputFenceTests.this.pipes.recorder.onLine(buffer, offset, length);
			}

			@Override
			public void onChunkEnd() {
				if (first.getAndSet(false)) {
					ending.countDown();
					try {
						release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			}

		});
		server.start();
		PipeTestClient writer = this.pipes.writer();
		writer.send("a");
		assertThat(ending.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		InputFence fence = server.fenceInput(() -> {
		});
		// the chunk that holds everything before the mark is still ending
		assertThat(fence.isReached()).isFalse();
		release.countDown();
		// reached as that chunk ends, with no more bytes written
		await().atMost(WAIT).until(fence::isReached);
		writer.send("b");
		assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("a", "b");
	}

	@Test
	void aMarkWhoseReachingThrowsLeavesTheStreamWhereItStands() throws Exception {
		PipeServer server = this.pipes.start();
		server.pause();
		PipeTestClient writer = this.pipes.writer();
		writer.send("a");
		await().atMost(WAIT).until(() -> PipeContents.unreadBytes(this.pipes.in()) == 2);
		// An Error such as running out of memory while the mark is reached: the rest of
		// the chunk is lost, as with any failure while a chunk is handled.
		server.fenceInput(() -> {
			throw new StackOverflowError("thrown as the mark is reached");
		});
		writer.send("lost");
		await().atMost(WAIT).until(() -> PipeContents.unreadBytes(this.pipes.in()) == 7);
		server.resume();
		assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("a");
		await().atMost(WAIT).until(() -> PipeContents.unreadBytes(this.pipes.in()) == 0);
		// A later mark stands where the stream stands, after the lost bytes.
		server.pause();
		writer.send("b");
		await().atMost(WAIT).until(() -> PipeContents.unreadBytes(this.pipes.in()) == 2);
		List<String> atMark = new CopyOnWriteArrayList<>();
		InputFence fence = server.fenceInput(() -> atMark.add(this.pipes.recorder.strings().toString()));
		writer.send("c");
		server.resume();
		assertThat(this.pipes.recorder.awaitStrings(3)).containsExactly("a", "b", "c");
		await().atMost(WAIT).until(fence::isReached);
		assertThat(atMark).containsExactly("[a, b]");
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
