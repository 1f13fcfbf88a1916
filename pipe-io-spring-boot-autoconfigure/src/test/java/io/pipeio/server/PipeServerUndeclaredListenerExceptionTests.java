package io.pipeio.server;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pipeio.testsupport.Undeclared;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A listener that throws what a listener should not, as a start fails: an {@link Error}
 * when told of a line dropped then, or a checked exception it did not declare (a sneaky
 * throw, a Kotlin listener) when told of the failure. The start fails as it would have,
 * undone and told, and throws why, with the listener's exception suppressed in it.
 */
class PipeServerUndeclaredListenerExceptionTests extends PipeServerTestSupport {

	@Test
	void aFailedStartWhoseDroppedLineListenerThrowsAnErrorIsUndoneAndTold() throws Exception {
		Recording listener = new Recording() {

			@Override
			public void onLineDropped(PipeServer changed, DropReason reason, byte[] line) {
				// passed on once every line is accounted for, unlike a listener's
				// exception, which is logged
				throw new NoClassDefFoundError("listener broke");
			}

		};
		PipeServer server = serverOnARegularFile(listener);
		AtomicBoolean sending = new AtomicBoolean(true);
		// lines sent while the start fails are dropped on the start's thread, under the
		// lifecycle lock
		Thread sender = new Thread(() -> {
			while (sending.get()) {
				try {
					server.send(new byte[] { 'x' });
				}
				catch (RuntimeException | Error ex) {
					// not started, or the listener's error on this thread
				}
			}
		}, "sender");
		sender.start();
		Throwable failure = null;
		try {
			for (int attempt = 0; attempt < 2000 && failure == null; attempt++) {
				try {
					server.start();
				}
				catch (Throwable ex) {
					if (!(ex instanceof IOException) || ex.getSuppressed().length > 0) {
						failure = ex;
					}
				}
			}
		}
		finally {
			sending.set(false);
			sender.join();
		}
		assertThat(failure).as("a start that failed with a line dropped").isNotNull();
		// why the start failed, the listener's exception with it; the failure undone and
		// told
		assertThat(failure).isInstanceOf(PipeFileException.class);
		assertThat(failure.getSuppressed()).anyMatch((ex) -> "listener broke".equals(ex.getMessage()));
		assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
		assertThat(listener.told).last().isEqualTo("STARTING->FAILED");
	}

	@Test
	void aFailedStartWhoseFailureListenerThrowsAnUndeclaredCheckedExceptionThrowsWhyTheStartFailed() throws Exception {
		Recording listener = new Recording() {

			@Override
			public void onStateChanged(PipeServer changed, PipeServerState previous, PipeServerState current,
					@Nullable Throwable cause) {
				super.onStateChanged(changed, previous, current, cause);
				if (current == PipeServerState.FAILED) {
					Undeclared.raise(new Exception("undeclared"));
				}
			}

		};
		PipeServer server = serverOnARegularFile(listener);
		// told once the start gave the lock back, as it fails
		assertThatThrownBy(server::start).isInstanceOf(PipeFileException.class)
			.satisfies((failure) -> assertThat(failure.getSuppressed()).anyMatch((ex) -> isUndeclared(ex)));
		assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
		assertThat(listener.told).containsExactly("STOPPED->STARTING", "STARTING->FAILED");
	}

	/** A server whose start fails: a regular file is where its in pipe should be. */
	private PipeServer serverOnARegularFile(PipeServerListener listener) throws IOException {
		Files.writeString(this.pipes.in(), "a regular file\n");
		return this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
		}, listener);
	}

	/** Records the changes of state it is told of. */
	private static class Recording implements PipeServerListener {

		final List<String> told = new CopyOnWriteArrayList<>();

		@Override
		public void onStateChanged(PipeServer changed, PipeServerState previous, PipeServerState current,
				@Nullable Throwable cause) {
			this.told.add(previous + "->" + current);
		}

	}

	/**
	 * The listener's exception, as the engine hands it on: wrapped, a failure of the
	 * listener like any other.
	 */
	private static boolean isUndeclared(Throwable ex) {
		return ex instanceof UndeclaredThrowableException && ex.getCause() != null
				&& "undeclared".equals(ex.getCause().getMessage());
	}

}
