package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.OpenDescriptors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.awaitility.Awaitility.await;

/**
 * A mark at the end of what the in pipe holds ({@link PipeServer#fenceInput}) while the
 * in pipe's reader is retired or dies: every reader reads on after a mark is set, and
 * every mark is still reached, after the lines written before it.
 */
class PipeServerInputFenceReaderTests extends PipeServerTestSupport {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Test
	void aRetiredReaderThatFindsReadingHeldWhileAMarkIsSetReadsOnAfterwards() throws Exception {
		PipeServer server = this.pipes.start();
		PipeTestClient old = this.pipes.writer();
		Files.delete(this.pipes.in());
		this.pipes.awaitInPipeRetired();
		// Each mark holds every reader back for a moment; the retired one, reading what
		// the old client writes meanwhile, now and then finds reading held.
		int lines = 2000;
		for (int i = 0; i < lines; i++) {
			old.send("old " + i);
			server.fenceInput(() -> {
			});
		}
		this.pipes.recorder.awaitCount(lines, WAIT);
		assertThat(this.pipes.recorder.strings()).last().isEqualTo("old " + (lines - 1));
	}

	@Test
	void aMarkInTheStreamOfAReaderThatDiedIsReachedAfterTheLinesWrittenBeforeIt() throws Exception {
		DyingOnDeparture listener = new DyingOnDeparture(true);
		PipeServer server = this.pipes.server(this.pipes.settings().build(), this.pipes.recorder, listener);
		server.start();
		PipeTestClient second = leaveALineWithADyingReader(listener);
		List<String> atMark = new CopyOnWriteArrayList<>();
		InputFence fence = server.fenceInput(() -> atMark.add(this.pipes.recorder.strings().toString()));
		assertThat(fence.isReached()).isFalse();
		listener.release.countDown();
		// A new reader takes what the dead one left in the pipe: "b" was there before
		// the mark.
		assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("a", "b");
		await().atMost(WAIT).until(fence::isReached);
		assertThat(atMark).containsExactly("[a, b]");
		second.send("c");
		assertThat(this.pipes.recorder.awaitStrings(3)).containsExactly("a", "b", "c");
		assertThat(atMark).containsExactly("[a, b]");
		assertThat(this.pipes.recorder.transitions).containsSubsequence("RUNNING->FAILED", "FAILED->RUNNING");
	}

	@Test
	void aMarkCannotBeSetWhileADeadReaderIsNotReplacedYet() throws Exception {
		// The shared watchdog is kept busy by another channel, so the dead reader stays
		// unreplaced, its descriptor closed, while the mark is asked for.
		CountDownLatch watchdogHeld = new CountDownLatch(1);
		CountDownLatch releaseWatchdog = new CountDownLatch(1);
		PipeServer other = this.pipes.server(
				TestPipes.settings("other", this.dir.resolve("other.in"), this.dir.resolve("other.out")).build(),
				new Recorder(), new PipeServerListener() {
					@Override
					public void onPipeRecreated(PipeServer server, Path path) {
						watchdogHeld.countDown();
						awaitQuietly(releaseWatchdog);
					}
				});
		other.start();
		DyingOnDeparture listener = new DyingOnDeparture(true);
		PipeServer server = this.pipes.server(this.pipes.settings().build(), this.pipes.recorder, listener);
		server.start();
		try {
			Files.delete(this.dir.resolve("other.in"));
			assertThat(watchdogHeld.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			// "b", written before the mark is asked for, is left in the pipe by the
			// reader that dies: a mark must come after it, and what the pipe holds
			// cannot be told from the dead reader's closed descriptor.
			leaveALineWithADyingReader(listener);
			listener.release.countDown();
			await().atMost(WAIT).until(() -> this.pipes.recorder.transitions.contains("RUNNING->FAILED"));
			await().atMost(WAIT).until(() -> OpenDescriptors.on(this.pipes.in()) == 1);
			assertThatIOException().isThrownBy(() -> server.fenceInput(() -> {
			})).withMessageContaining("ended and is being replaced; no mark can be set in the pipe until it is");
		}
		finally {
			releaseWatchdog.countDown();
		}
		await().atMost(WAIT).until(() -> server.getState() == PipeServerState.RUNNING);
		assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("a", "b");
		List<String> atMark = new CopyOnWriteArrayList<>();
		InputFence fence = server.fenceInput(() -> atMark.add(this.pipes.recorder.strings().toString()));
		await().atMost(WAIT).until(fence::isReached);
		assertThat(atMark).containsExactly("[a, b]");
	}

	/**
	 * A client writes "a" and leaves: the reader handles it, sees the departure and tells
	 * the listener, which holds it there and then fails it. Meanwhile a second client
	 * writes "b", which stays in the pipe.
	 * @return the second client, still attached
	 */
	private PipeTestClient leaveALineWithADyingReader(DyingOnDeparture listener) throws Exception {
		try (PipeTestClient first = this.pipes.writer()) {
			first.send("a");
			this.pipes.recorder.awaitStrings(1);
		}
		assertThat(listener.departing.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		PipeTestClient second = this.pipes.writer();
		second.send("b");
		await().atMost(WAIT).until(() -> PipeContents.unreadBytes(this.pipes.in()) == 2);
		return second;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Records like the fixture's {@link Recorder} and throws when told of the first
	 * client's departure, outside any line's handling: that ends the reader, and the
	 * watchdog opens another. Optionally it first waits for {@link #release}.
	 */
	private final class DyingOnDeparture implements PipeServerListener {

		final CountDownLatch departing = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		private final boolean waits;

		private final AtomicBoolean died = new AtomicBoolean();

		DyingOnDeparture(boolean waits) {
			this.waits = waits;
		}

		@Override
		public void onClientPresenceChanged(PipeServer server, boolean connected) {
			if (!connected && this.died.compareAndSet(false, true)) {
				this.departing.countDown();
				if (this.waits) {
					awaitQuietly(this.release);
				}
				throw new IllegalStateException("thrown on the client's departure");
			}
		}

		@Override
		public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
				@Nullable Throwable cause) {
			PipeServerInputFenceReaderTests.this.pipes.recorder.onStateChanged(server, previous, current, cause);
		}

	}

}
