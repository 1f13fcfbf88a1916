package io.pipeio.test;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link PipeTestClient} over real FIFOs held by a {@link FifoPeer}, and without one:
 * every wait ends, and no thread of the client outlives it.
 */
@Timeout(60)
class PipeTestClientTests {

	private static final Duration SHORT = Duration.ofMillis(300);

	@TempDir
	Path directory;

	@AfterEach
	void noClientThreadIsLeft() {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(clientThreads()).isEmpty());
	}

	@Test
	void requestGetsTheEchoedLine() throws Exception {
		try (FifoPeer peer = FifoPeer.echo(this.directory, "echo");
				PipeTestClient client = PipeTestClient.connect(this.directory, "echo")) {
			assertThat(client.request("héllo")).isEqualTo("héllo");
			client.send(new byte[] { (byte) 0xc3, (byte) 0x28, (byte) 0xff });
			assertThat(client.receiveBytes()).containsExactly((byte) 0xc3, (byte) 0x28, (byte) 0xff);
			client.sendRaw("one\ntw".getBytes(StandardCharsets.UTF_8));
			client.sendRaw("o\n\n".getBytes(StandardCharsets.UTF_8));
			assertThat(client.receiveLines(3)).containsExactly("one", "two", "");
			assertThat(client.pendingLines()).isZero();
		}
	}

	@Test
	void staticRequestConnectsAndDisconnects() throws Exception {
		try (FifoPeer peer = FifoPeer.echo(this.directory, "echo")) {
			assertThat(PipeTestClient.request(this.directory, "echo", "ping")).isEqualTo("ping");
			assertThat(PipeTestClient.request(this.directory, "echo", "pong")).isEqualTo("pong");
		}
	}

	@Test
	void connectingToPipesNobodyHoldsTimesOutAndLeavesNoThread() throws Exception {
		FifoPeer.mkfifos(this.directory, "idle");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> PipeTestClient.connect(this.directory.resolve("idle.in"),
					this.directory.resolve("idle.out"), SHORT))
			.withMessageContaining("idle.in")
			.withMessageContaining("blocked");
		// The released open returned; noClientThreadIsLeft checks that its thread ended.
	}

	@Test
	void receivingWhenTheServerIsSilentTimesOut() throws Exception {
		try (FifoPeer peer = FifoPeer.silent(this.directory, "silent");
				// Long enough for the opens (each on a new thread) on a busy machine.
				PipeTestClient client = PipeTestClient.connect(peer.in, peer.out, Duration.ofSeconds(2))) {
			client.send("anybody there?");
			assertThatExceptionOfType(AssertionError.class).isThrownBy(client::receive)
				.withMessageContaining("No line from " + peer.out);
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> client.receive(Duration.ofMillis(50)))
				.withMessageContaining("within 50ms");
		}
	}

	@Test
	void receivingAfterTheEndOfFileFailsAtOnceAndCountsTheCutLine() throws Exception {
		try (FifoPeer peer = FifoPeer.silent(this.directory, "ending");
				PipeTestClient client = PipeTestClient.connect(peer.in, peer.out)) {
			peer.writeAndCloseOut("last\npartial");
			assertThat(client.receive()).isEqualTo("last");
			await().until(client::isAtEndOfFile);
			// The default timeout is ten seconds: failing at once shows the end was
			// noticed, not waited out.
			assertThatExceptionOfType(AssertionError.class).isThrownBy(client::receive)
				.withMessageContaining("every writer closed it")
				.withMessageContaining("7 bytes without newline");
		}
	}

	@Test
	void aSenderOnlyWritesAndAReceiverOnlyReads() throws Exception {
		try (FifoPeer peer = FifoPeer.echo(this.directory, "halves");
				PipeTestClient receiver = PipeTestClient.receiver(peer.out);
				PipeTestClient sender = PipeTestClient.sender(peer.in)) {
			sender.send("across");
			assertThat(receiver.receive()).isEqualTo("across");
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(sender::receive)
				.withMessageContaining("only sends");
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> receiver.send("x"))
				.withMessageContaining("only receives");
		}
	}

	@Test
	void connectingToAPipeThatNeverAppearsFailsNamingItAfterTheTimeout() {
		long start = System.nanoTime();
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> PipeTestClient.connect(this.directory.resolve("missing.in"),
					this.directory.resolve("missing.out"), SHORT))
			.withMessageContaining("missing.in")
			.withMessageContaining("did not appear within 300ms")
			.withMessageContaining("pipe-io.channels.<name>");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(SHORT);
	}

	@Test
	void connectingWaitsForAChannelThatCreatesItsPipesAMomentLater() throws Exception {
		CompletableFuture<FifoPeer> peer = new CompletableFuture<>();
		Thread test = Thread.currentThread();
		Thread starter = new Thread(() -> {
			try {
				// the channel starts once the client waits for its pipes
				await().atMost(Duration.ofSeconds(10))
					.pollInterval(Duration.ofMillis(5))
					.until(() -> test.getState() == Thread.State.TIMED_WAITING);
				peer.complete(FifoPeer.echo(this.directory, "late"));
			}
			catch (Exception | AssertionError ex) {
				peer.completeExceptionally(ex);
			}
		});
		starter.start();
		try (PipeTestClient client = PipeTestClient.connect(this.directory, "late")) {
			assertThat(client.request("here")).isEqualTo("here");
		}
		finally {
			starter.join(10_000);
			peer.join().close();
		}
	}

	@Test
	void somethingAtThePathThatIsNoFifoFailsAtOnce() throws Exception {
		Files.createDirectory(this.directory.resolve("odd.in"));
		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> PipeTestClient.connect(this.directory, "odd"))
			.withMessageContaining("odd.in");
		// a regular file would take the lines without a word
		Files.writeString(this.directory.resolve("plain.in"), "");
		Files.writeString(this.directory.resolve("plain.out"), "");
		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> PipeTestClient.connect(this.directory, "plain"))
			.withMessageContaining("plain.in")
			.withMessageContaining("not a FIFO but a regular file");
		assertThat(this.directory.resolve("plain.in")).isEmptyFile();
	}

	private static List<String> clientThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith(FifoOpening.THREAD_PREFIX))
			.toList();
	}

}
