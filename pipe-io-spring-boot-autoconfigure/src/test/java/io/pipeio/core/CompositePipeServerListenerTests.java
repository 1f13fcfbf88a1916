package io.pipeio.core;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pipeio.server.DropReason;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listener that throws keeps neither the others from being told nor its failure unseen:
 * the first is logged with the exception, the later ones only at DEBUG.
 */
@ExtendWith(OutputCaptureExtension.class)
class CompositePipeServerListenerTests {

	@TempDir
	Path directory;

	@Test
	void aThrowingListenerIsLoggedOnceAndTheOthersAreStillTold(CapturedOutput output) {
		PipeServer server = server();
		List<String> told = new CopyOnWriteArrayList<>();
		PipeServerListener failing = new PipeServerListener() {

			@Override
			public void onLineDropped(PipeServer server, DropReason reason, byte[] line) {
				throw new IllegalStateException("cannot keep " + new String(line));
			}

		};
		PipeServerListener keeping = new PipeServerListener() {

			@Override
			public void onLineDropped(PipeServer server, DropReason reason, byte[] line) {
				told.add(new String(line));
			}

		};
		CompositePipeServerListener composite = new CompositePipeServerListener(List.of(failing, keeping));
		composite.onLineDropped(server, DropReason.QUEUE_FULL, "first".getBytes());
		composite.onLineDropped(server, DropReason.QUEUE_FULL, "second".getBytes());
		assertThat(told).containsExactly("first", "second");
		assertThat(output).contains(failing.getClass().getName() + " threw from onLineDropped for channel 'calc'")
			.contains("java.lang.IllegalStateException: cannot keep first")
			.doesNotContain("cannot keep second");
	}

	@Test
	void aListenersFirstFailureOnAnotherEventIsLoggedWithItsExceptionToo(CapturedOutput output) {
		PipeServer server = server();
		PipeServerListener failing = new PipeServerListener() {

			@Override
			public void onClientPresenceChanged(PipeServer server, boolean connected) {
				throw new IllegalStateException("presence " + connected);
			}

			@Override
			public void onPausedChanged(PipeServer server, boolean paused) {
				throw new IllegalStateException("paused " + paused);
			}

		};
		CompositePipeServerListener composite = new CompositePipeServerListener(List.of(failing));
		composite.onClientPresenceChanged(server, true);
		composite.onClientPresenceChanged(server, false);
		composite.onPausedChanged(server, true);
		composite.onPausedChanged(server, false);
		assertThat(output).contains("java.lang.IllegalStateException: presence true")
			.contains("java.lang.IllegalStateException: paused true")
			.doesNotContain("presence false")
			.doesNotContain("paused false");
	}

	@Test
	void whetherTheServerCreatedAFifoItServesAgainReachesEachListener() {
		PipeServer server = server();
		List<String> told = new CopyOnWriteArrayList<>();
		PipeServerListener listener = new PipeServerListener() {

			@Override
			public void onPipeRecreated(PipeServer server, Path path, boolean created) {
				told.add(path.getFileName() + " " + created);
			}

		};
		new CompositePipeServerListener(List.of(listener, listener)).onPipeRecreated(server,
				this.directory.resolve("calc.in"), false);
		assertThat(told).containsExactly("calc.in false", "calc.in false");
	}

	/** A server that is never started: what the listeners are told about. */
	private PipeServer server() {
		return new PipeServer(PipeServerSettings
			.builder("calc", this.directory.resolve("calc.in"), this.directory.resolve("calc.out"))
			.build(), (buffer, offset, length) -> {
			});
	}

}
