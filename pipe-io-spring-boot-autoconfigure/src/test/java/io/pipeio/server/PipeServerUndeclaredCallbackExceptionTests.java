package io.pipeio.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.Undeclared;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link PipeServerListener} given straight to the engine that throws a checked
 * exception it did not declare (a Kotlin listener, a sneaky throw) does no more harm than
 * one throwing an {@link IllegalStateException}: no line is lost, the channel (and every
 * other channel on the event loop) is still served and the watchdog goes on.
 */
class PipeServerUndeclaredCallbackExceptionTests extends PipeServerTestSupport {

	private static final Duration WAIT = Duration.ofSeconds(5);

	/**
	 * An {@link IOException} told of an arrival is not taken for a failed read of the
	 * pipe, which would lose the chunk uncounted.
	 */
	@Test
	void aClientsLinesAreHandledWhenTheListenerToldOfItsArrivalThrowsAnUndeclaredIOException() throws Exception {
		Listener listener = new Listener("arrival", () -> new IOException("undeclared"));
		this.pipes.server(this.pipes.settings().build(), this.pipes.recorder, listener).start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("a");
			writer.send("b");
		}
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.pipes.recorder.strings()).containsExactly("a", "b"));
	}

	/**
	 * Another checked exception ends neither the reader thread nor the event loop's
	 * worker or loop thread: a channel started after it is served too.
	 */
	@Test
	void aChannelAndItsLoopAreStillServedWhenTheListenerToldOfAnArrivalThrowsAnUndeclaredCheckedException()
			throws Exception {
		Listener listener = new Listener("arrival", () -> new Exception("undeclared"));
		this.pipes.server(this.pipes.settings().build(), this.pipes.recorder, listener).start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("a");
		}
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.pipes.recorder.strings()).containsExactly("a"));
		assertOtherChannelServed();
	}

	/**
	 * Told of a line the handler failed on, or of a line too large, the same: the next
	 * line is handled and the channel stays RUNNING, and so does the event loop.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "handler-error", "too-large" })
	void aChannelAndItsLoopAreStillServedWhenTheListenerToldOfALostLineThrowsAnUndeclaredCheckedException(String event)
			throws Exception {
		Listener listener = new Listener(event, () -> new Exception("undeclared"));
		LineHandler handler = new LineHandler() {

			@Override
			public void onLine(byte[] buffer, int offset, int length) {
				if (new String(buffer, offset, length, StandardCharsets.US_ASCII).equals("bad")) {
					throw new IllegalStateException("handler fails");
				}
				PipeServerUndeclaredCallbackExceptionTests.this.pipes.recorder.onLine(buffer, offset, length);
			}

		};
		PipeServer server = this.pipes.server(this.pipes.settings().maxMessageSize(16).build(), handler, listener);
		server.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send(event.equals("too-large") ? "x".repeat(100) : "bad");
		}
		await().atMost(WAIT).until(listener.thrown::get);
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("next");
		}
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.pipes.recorder.strings()).containsExactly("next"));
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
		assertOtherChannelServed();
	}

	/**
	 * The watchdog, which every channel shares, goes on making deleted pipes again after
	 * the listener told of one threw.
	 */
	@Test
	void theWatchdogGoesOnWhenTheListenerToldOfARecreatedPipeThrowsAnUndeclaredCheckedException() throws Exception {
		Listener listener = new Listener("recreated", () -> new IOException("undeclared"));
		this.pipes.server(this.pipes.settings().build(), this.pipes.recorder, listener).start();
		Files.delete(this.pipes.in());
		await().atMost(WAIT).until(listener.thrown::get);
		Files.delete(this.pipes.out());
		await().atMost(WAIT).until(() -> isFifo(this.pipes.out()));
		assertThat(TestPipes.engineThreads()).contains("pipe-io-watchdog");
	}

	private void assertOtherChannelServed() throws Exception {
		Path dir = Files.createDirectories(this.dir.resolve("other"));
		Recorder other = new Recorder();
		this.pipes
			.server(TestPipes.settings("other", dir.resolve("other.in"), dir.resolve("other.out")).build(), other,
					other)
			.start();
		try (PipeTestClient writer = this.pipes.track(PipeTestClient.sender(dir.resolve("other.in")))) {
			writer.send("other");
		}
		await().atMost(WAIT).untilAsserted(() -> assertThat(other.strings()).containsExactly("other"));
	}

	private static boolean isFifo(Path path) {
		try {
			return TestPipes.isFifo(path);
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Throws the given exception, undeclared, the first time it is told of the event. */
	private static final class Listener implements PipeServerListener {

		private final String event;

		private final Supplier<Throwable> exception;

		final AtomicBoolean thrown = new AtomicBoolean();

		Listener(String event, Supplier<Throwable> exception) {
			this.event = event;
			this.exception = exception;
		}

		private void told(String event) {
			if (event.equals(this.event) && !this.thrown.getAndSet(true)) {
				Undeclared.raise(this.exception.get());
			}
		}

		@Override
		public void onClientPresenceChanged(PipeServer server, boolean connected) {
			if (connected) {
				told("arrival");
			}
		}

		@Override
		public void onHandlerError(PipeServer server, byte[] line, Throwable error) {
			told("handler-error");
		}

		@Override
		public void onDropped(PipeServer server, DropReason reason, long size) {
			if (reason == DropReason.TOO_LARGE) {
				told("too-large");
			}
		}

		@Override
		public void onPipeRecreated(PipeServer server, Path path, boolean created) {
			told("recreated");
		}

		@Override
		public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
				@Nullable Throwable cause) {
		}

	}

}
