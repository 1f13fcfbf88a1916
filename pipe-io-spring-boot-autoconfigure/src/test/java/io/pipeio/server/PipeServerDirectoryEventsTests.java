package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pipeio.test.PipeTestClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A running server's pipes are checked when their directory tells of a change at their
 * names, not only by the watchdog's sweep: with the sweep of watched pipes put off for an
 * hour, a deleted or replaced pipe is still served again at once.
 */
class PipeServerDirectoryEventsTests extends PipeServerTestSupport {

	private static final Duration NOTICED_WITHIN = Duration.ofSeconds(5);

	@BeforeEach
	void noSweep() {
		PipeWatchdog.setWatchedSweepMillis(Duration.ofHours(1).toMillis());
	}

	@AfterEach
	void sweepAgain() {
		PipeWatchdog.setWatchedSweepMillis(PipeWatchdog.WATCHED_SWEEP_MILLIS);
	}

	@Test
	void aDeletedInPipeIsRecreatedOnItsDirectorysEvent() throws Exception {
		PipeServer server = this.pipes.start();
		awaitWatched(this.pipes.in());
		long original = TestPipes.inode(this.pipes.in());
		Files.delete(this.pipes.in());
		await().atMost(NOTICED_WITHIN).until(() -> this.pipes.recorder.recreated.size() == 2);
		assertThat(TestPipes.inode(this.pipes.in())).isNotEqualTo(original);
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("to the new pipe");
		}
		assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("to the new pipe");
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
	}

	@Test
	void anOutPipeReplacedByARenameIsServedAgainOnItsDirectorysEvent() throws Exception {
		PipeServer server = this.pipes.start();
		awaitWatched(this.pipes.out());
		Path replacement = this.dir.resolve("replacement");
		TestPipes.mkfifo(replacement);
		long replacing = TestPipes.inode(replacement);
		Files.move(replacement, this.pipes.out(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		await().atMost(NOTICED_WITHIN).until(() -> this.pipes.recorder.recreated.size() == 2);
		assertThat(TestPipes.inode(this.pipes.out())).isEqualTo(replacing);
		server.send("to the new pipe".getBytes(StandardCharsets.UTF_8));
		try (PipeTestClient reader = this.pipes.reader()) {
			assertThat(reader.receive()).isEqualTo("to the new pipe");
		}
	}

	@Test
	void aReaderThatDiedIsReplacedInTheNextRoundsWithoutAnyEvent() throws Exception {
		AtomicBoolean died = new AtomicBoolean();
		PipeServer server = this.pipes.server(this.pipes.settings().build(), this.pipes.recorder,
				new PipeServerListener() {
					@Override
					public void onClientPresenceChanged(PipeServer server, boolean connected) {
						if (!connected && died.compareAndSet(false, true)) {
							throw new IllegalStateException("thrown on the client's departure");
						}
					}

					@Override
					public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
							@Nullable Throwable cause) {
						PipeServerDirectoryEventsTests.this.pipes.recorder.onStateChanged(server, previous, current,
								cause);
					}

					@Override
					public void onPipeRecreated(PipeServer server, Path path) {
						PipeServerDirectoryEventsTests.this.pipes.recorder.onPipeRecreated(server, path);
					}
				});
		server.start();
		awaitWatched(this.pipes.in());
		try (PipeTestClient first = this.pipes.writer()) {
			first.send("a");
			this.pipes.recorder.awaitStrings(1);
		}
		await().atMost(NOTICED_WITHIN).until(() -> this.pipes.recorder.transitions.contains("FAILED->RUNNING"));
		try (PipeTestClient second = this.pipes.writer()) {
			second.send("b");
		}
		assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("a", "b");
	}

	/**
	 * Delete the pipe once and wait for it to be served again: by then the watchdog has
	 * taken in the channel, and a change before its first look is seen by that look
	 * rather than by an event.
	 */
	private void awaitWatched(Path pipe) throws Exception {
		Files.delete(pipe);
		await().atMost(NOTICED_WITHIN).until(() -> this.pipes.recorder.recreated.contains(pipe));
	}

	@Test
	void ofManyChannelsInOneDirectoryOnlyTheChangedOneIsRepaired() throws Exception {
		PipeServer first = this.pipes.start();
		Path secondOut = this.dir.resolve("second.out");
		PipeServer second = this.pipes
			.start(TestPipes.settings("second", this.dir.resolve("second.in"), secondOut).build());
		awaitWatched(secondOut);
		Files.delete(secondOut);
		await().atMost(NOTICED_WITHIN).until(() -> this.pipes.recorder.recreated.size() == 2);
		assertThat(this.pipes.recorder.recreated).containsExactly(secondOut, secondOut);
		assertThat(first.getState()).isEqualTo(PipeServerState.RUNNING);
		assertThat(second.getState()).isEqualTo(PipeServerState.RUNNING);
	}

}
