package io.pipeio.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A departed client never corrupts the next one: when every writer has left the in pipe,
 * a partial line is dropped (counted as incomplete and told to the handler) and the next
 * client starts on a clean line. The channel tells when a client is there.
 */
class PipeServerPresenceTests extends PipeServerTestSupport {

	@Test
	void halfALineOfAClientThatExitedIsDroppedAndTheNextClientStartsClean() throws Exception {
		PipeServer server = this.pipes.start();
		TestProcesses.run("bash", "-c", "printf 'half-a-line' > \"$1\"", "bash", this.pipes.in().toString());
		await().atMost(Duration.ofSeconds(10))
			.until(() -> server.getStatistics().getDropped(DropReason.INCOMPLETE) == 1);
		TestProcesses.run("bash", "-c", "printf 'hello\\n' > \"$1\"", "bash", this.pipes.in().toString());
		assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("hello");
		assertThat(this.pipes.recorder.incomplete).containsExactly("half-a-line");
		assertThat(this.pipes.recorder.drops).contains(new Recorder.Drop(DropReason.INCOMPLETE, 11));
		assertThat(server.getStatistics().getReceivedMessages()).isEqualTo(1);
	}

	@Test
	void clientKilledMidLineDoesNotGlueItsLineToTheNextClients() throws Exception {
		PipeServer server = this.pipes.start();
		Process crashing = TestProcesses.python("""
				import os, sys, time
				fd = os.open(sys.argv[1], os.O_WRONLY)
				os.write(fd, b"complete\\ncut sh")
				print("written", flush=True)
				time.sleep(60)
				""", this.pipes.in().toString());
		try {
			assertThat(crashing.inputReader().readLine()).isEqualTo("written");
			assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("complete");
			assertThat(server.getStatistics().isClientConnected()).isTrue();
		}
		finally {
			crashing.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		// The next client comes once the server saw the pipe without writers: one that
		// opens it before the reader even ran again continues the same stream (a POSIX
		// limit, documented).
		await().atMost(Duration.ofSeconds(10)).until(() -> !server.getStatistics().isClientConnected());
		try (PipeTestClient next = this.pipes.writer()) {
			next.send("next client");
		}
		assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("complete", "next client");
		assertThat(this.pipes.recorder.incomplete).containsExactly("cut sh");
		assertThat(server.getStatistics().getDropped(DropReason.INCOMPLETE)).isEqualTo(1);
	}

	@Test
	void partialLineOfOneClientIsCompletedByTheSameClient() throws Exception {
		this.pipes.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.sendRaw("first ha".getBytes(StandardCharsets.US_ASCII));
			writer.sendRaw("lf\nsecond\n".getBytes(StandardCharsets.US_ASCII));
		}
		assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("first half", "second");
		assertThat(this.pipes.recorder.incomplete).isEmpty();
	}

	@Test
	void eachDepartureIsCountedOnceWhatTheClientsWroteWasHandled() throws Exception {
		PipeServer server = this.pipes.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("hello");
			writer.sendRaw("half".getBytes(StandardCharsets.US_ASCII));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> server.getClientDepartures() == 1);
		// counted once the line was handled and the partial one dropped
		assertThat(this.pipes.recorder.strings()).containsExactly("hello");
		assertThat(this.pipes.recorder.incomplete).containsExactly("half");
		// a client that writes nothing leaves too
		TestProcesses.run("bash", "-c", "exec 3> \"$1\"", "bash", this.pipes.in().toString());
		await().atMost(Duration.ofSeconds(10)).until(() -> server.getClientDepartures() == 2);
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("again");
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> server.getClientDepartures() == 3);
		assertThat(this.pipes.recorder.strings()).containsExactly("hello", "again");
	}

	@Test
	void aClientThatComesAndGoesWhileADepartureIsToldIsSeenLeaving() throws Exception {
		CountDownLatch told = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		PipeServerListener listener = new PipeServerListener() {
			@Override
			public void onClientPresenceChanged(PipeServer server, boolean connected) {
				if (!connected && told.getCount() > 0) {
					told.countDown();
					awaitQuietly(release);
				}
			}
		};
		PipeServer server = this.pipes.server(this.pipes.settings().build(), this.pipes.recorder, listener);
		server.start();
		try {
			try (PipeTestClient writer = this.pipes.writer()) {
				writer.send("hello");
			}
			assertThat(told.await(10, TimeUnit.SECONDS)).isTrue();
			// Once the first departure is counted, the next client (a plug-in restarted
			// after it, say) may come at once, and leave without writing.
			assertThat(server.getClientDepartures()).isEqualTo(1);
			TestProcesses.run("bash", "-c", "exec 3> \"$1\"", "bash", this.pipes.in().toString());
		}
		finally {
			release.countDown();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> server.getClientDepartures() == 2);
	}

	@Test
	void aResumeOfAChannelNoClientUsedCountsNoDeparture() throws Exception {
		PipeServer server = this.pipes.start();
		for (int i = 0; i < 2; i++) {
			server.pause();
			server.resume();
		}
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("hello");
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> server.getClientDepartures() >= 1);
		assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("hello");
		assertThat(server.getClientDepartures()).isEqualTo(1);
	}

	@Test
	void aDeletedInPipeNoClientUsedCountsNoDeparture() throws Exception {
		PipeServer server = this.pipes.start();
		Files.delete(this.pipes.in());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.pipes.recorder.recreated.contains(this.pipes.in()));
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("hello");
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> server.getClientDepartures() >= 1);
		assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("hello");
		assertThat(server.getClientDepartures()).isEqualTo(1);
	}

	@Test
	void aClientStillOnADeletedInPipeKeepsTheChannelConnectedUntilItLeaves() throws Exception {
		PipeServer server = this.pipes.start();
		try (PipeTestClient old = this.pipes.writer()) {
			deleteTheInPipeUnder(old, server);
			// A client of the new pipe comes and goes while the old one is still there.
			try (PipeTestClient next = this.pipes.writer()) {
				next.send("new");
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> server.getClientDepartures() == 1);
			old.send("after");
			assertThat(this.pipes.recorder.awaitStrings(3)).containsExactly("before", "new", "after");
			assertThat(server.getStatistics().isClientConnected()).isTrue();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> server.getClientDepartures() == 2);
		await().atMost(Duration.ofSeconds(10)).until(() -> !server.getStatistics().isClientConnected());
		assertThat(this.pipes.recorder.presence).containsExactly(true, false);
	}

	@Test
	void aClientOfADeletedInPipeIsSeenLeavingWhenNoneCameToTheNewOne() throws Exception {
		PipeServer server = this.pipes.start();
		try (PipeTestClient old = this.pipes.writer()) {
			deleteTheInPipeUnder(old, server);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> !server.getStatistics().isClientConnected());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.pipes.recorder.presence.size() == 2);
		assertThat(this.pipes.recorder.presence).containsExactly(true, false);
	}

	/**
	 * Have the client write and stay attached while its in pipe is deleted, and wait for
	 * the server to make the pipe again.
	 */
	private void deleteTheInPipeUnder(PipeTestClient client, PipeServer server) throws IOException {
		client.send("before");
		await().atMost(Duration.ofSeconds(10)).until(() -> server.getStatistics().isClientConnected());
		Files.delete(this.pipes.in());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.pipes.recorder.recreated.contains(this.pipes.in()));
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void presenceFollowsTheClientsWrites() throws Exception {
		PipeServer server = this.pipes.start();
		assertThat(server.getStatistics().isClientConnected()).isFalse();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("hello");
			await().atMost(Duration.ofSeconds(10)).until(() -> server.getStatistics().isClientConnected());
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> !server.getStatistics().isClientConnected());
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("again");
			await().atMost(Duration.ofSeconds(10)).until(() -> server.getStatistics().isClientConnected());
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.pipes.recorder.presence.size() == 4);
		assertThat(this.pipes.recorder.presence).containsExactly(true, false, true, false);
		assertThat(this.pipes.recorder.incomplete).isEmpty();
	}

	@Test
	void clientThatCameAndWentWhileNobodyWaitedIsServed() throws Exception {
		PipeServer server = this.pipes.start();
		// Many one-line clients in a row, each gone before the next: none may wait for
		// the next one.
		for (int i = 0; i < 50; i++) {
			TestProcesses.run("bash", "-c", "printf 'line %s\\n' \"$2\" > \"$1\"", "bash", this.pipes.in().toString(),
					String.valueOf(i));
			this.pipes.recorder.awaitStrings(i + 1);
		}
		assertThat(this.pipes.recorder.strings()).hasSize(50).endsWith("line 49");
		assertThat(server.getStatistics().getDropped(DropReason.INCOMPLETE)).isZero();
	}

}
