package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client's departure while the engine is busy elsewhere, the handler on the loop
 * thread. On the event loop the in pipe is then armed edge-triggered, and the loop may
 * report a hang-up once only, or while a worker reads the pipe: the departure is told
 * once all the same. Another channel on the same loop, whose handler holds the loop
 * thread for a moment (far less than the watchdog waits before a new thread takes over),
 * makes the loop late. On the thread engine the tests hold as well.
 */
class PipeServerHangUpOnTheLoopTests extends PipeServerTestSupport {

	private final CountDownLatch holding = new CountDownLatch(1);

	private final CountDownLatch release = new CountDownLatch(1);

	private PipeTestClient loopHolder;

	@BeforeEach
	void startChannelThatHoldsTheLoop() throws Exception {
		PipeServer holder = this.pipes
			.server(TestPipes.settings("holder", this.dir.resolve("holder.in"), this.dir.resolve("holder.out"))
				.dispatch(DispatchMode.LOOP)
				.build(), (buffer, offset, length) -> {
					this.holding.countDown();
					this.release.await(10, TimeUnit.SECONDS);
				}, new PipeServerListener() {
				});
		holder.start();
		this.loopHolder = this.pipes.track(PipeTestClient.sender(this.dir.resolve("holder.in")));
	}

	@AfterEach
	void releaseTheLoop() {
		this.release.countDown();
	}

	@Test
	void aClientThatWritesAndLeavesWhileTheLoopIsBusyIsReportedGoneAndItsPartialLineDropped() throws Exception {
		PipeServer server = this.pipes.start(this.pipes.settings().dispatch(DispatchMode.LOOP).build());
		PipeTestClient writer = this.pipes.writer();
		// read empty once on the loop: edge-triggered from then on
		writer.send("first");
		this.pipes.recorder.awaitStrings(1);
		holdTheLoop();
		// one report for both: the bytes, then the end
		writer.sendRaw("partial".getBytes(StandardCharsets.UTF_8));
		writer.close();
		this.release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.pipes.recorder.presence.size() == 2);
		assertThat(this.pipes.recorder.presence).containsExactly(true, false);
		assertThat(this.pipes.recorder.incomplete).containsExactly("partial");
		assertThat(server.getStatistics().getDropped(DropReason.INCOMPLETE)).isEqualTo(1);
		// and the next client is served as a fresh one
		try (PipeTestClient next = this.pipes.writer()) {
			next.send("second");
			assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("first", "second");
		}
	}

	@Test
	void aHangUpReportedWhileAWorkerReadsTheEndIsNotCountedAgainForTheRenewedDescriptor() throws Exception {
		PipeServer server = this.pipes.start(this.pipes.settings().dispatch(DispatchMode.LOOP).bufferSize(64).build());
		PipeTestClient writer = this.pipes.writer();
		writer.send("first"); // read empty on the loop: edge-triggered from then on
		this.pipes.recorder.awaitStrings(1);
		// paused, so that resuming has a worker read what comes next
		server.pause();
		writer.sendRaw("a".getBytes(StandardCharsets.US_ASCII));
		PipeReader reader = ReaderInternals.reader(server);
		if (reader instanceof EventLoopReader) {
			AtomicBoolean parked = (AtomicBoolean) ReaderInternals.get(reader, EventLoopReader.class, "parked");
			await().atMost(Duration.ofSeconds(10)).until(parked::get);
		}
		holdTheLoop();
		// a whole buffer with the byte before: the worker reads on and finds the end
		writer.sendRaw(("b".repeat(62) + "\n").getBytes(StandardCharsets.US_ASCII));
		writer.close();
		FifoDescriptor fifo = ReaderInternals.inFifo(server);
		synchronized (fifo) {
			server.resume();
			// the worker read the end and waits to look whether it is a departure
			await().atMost(Duration.ofSeconds(10)).until(() -> ReaderInternals.isThreadBlockedOn(fifo));
			this.release.countDown();
			if (reader instanceof EventLoopReader) {
				// the loop reports the hang-up of the descriptor the worker will replace
				await().atMost(Duration.ofSeconds(10)).until(() -> hangUpRegistration(reader) != 0);
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> server.getClientDepartures() >= 1);
		if (reader instanceof EventLoopReader) {
			// the turn that report started read the end of the renewed descriptor
			await().atMost(Duration.ofSeconds(10)).until(() -> hangUpRegistration(reader) == 0);
		}
		// and a next client is served after it, which it was not told of
		try (PipeTestClient next = this.pipes.writer()) {
			next.send("second");
			this.pipes.recorder.awaitStrings(3);
			assertThat(server.getClientDepartures()).as("departures of the first client").isEqualTo(1);
		}
		assertThat(this.pipes.recorder.strings()).containsExactly("first", "a" + "b".repeat(62), "second");
	}

	/** Have the other channel's handler hold the loop thread until {@link #release}. */
	private void holdTheLoop() throws InterruptedException {
		this.loopHolder.send("hold the loop");
		assertThat(this.holding.await(10, TimeUnit.SECONDS)).isTrue();
	}

	private static int hangUpRegistration(PipeReader reader) throws ReflectiveOperationException {
		Object clients = ReaderInternals.get(reader, EventLoopReader.class, "clients");
		return (int) ReaderInternals.get(clients, InPipeClients.class, "hangUpRegistration");
	}

}
