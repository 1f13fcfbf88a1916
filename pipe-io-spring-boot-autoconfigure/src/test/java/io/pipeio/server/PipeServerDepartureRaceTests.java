package io.pipeio.server;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client may come, write and leave in the moment between a read of the end of the in
 * pipe and the reader's look at whether that end is a departure: the end is the first
 * client's departure, and the next one is counted leaving too, after what it wrote was
 * handled, and the channel reports it gone. The reader is held in that moment by holding
 * the monitor of the in pipe's descriptor, which it takes right after the end was read
 * (to tell whether it is a departure, or to open the reader it waits or reads with next).
 */
class PipeServerDepartureRaceTests extends PipeServerTestSupport {

	private final CountDownLatch arrived = new CountDownLatch(1);

	private final CountDownLatch release = new CountDownLatch(1);

	@Test
	void aClientThatWritesAndLeavesWhileAFullReadIsFollowedByTheEndIsSeenLeaving() throws Exception {
		// a whole buffer: the reader reads on after it and finds the end itself
		aClientThatWritesAndLeavesJustAfterAnEndWasReadIsSeenLeaving("x".repeat(63));
	}

	@Test
	void aClientThatWritesAndLeavesWhileAReportedEndIsReadIsSeenLeaving() throws Exception {
		// a short line: the end is read once the pipe reports every writer gone
		aClientThatWritesAndLeavesJustAfterAnEndWasReadIsSeenLeaving("first");
	}

	private void aClientThatWritesAndLeavesJustAfterAnEndWasReadIsSeenLeaving(String line) throws Exception {
		PipeServer server = this.pipes.server(this.pipes.settings().bufferSize(64).build(), this.pipes.recorder,
				heldAtFirstArrival());
		server.start();
		FifoDescriptor in = ReaderInternals.inFifo(server);
		PipeTestClient first = this.pipes.writer();
		try {
			first.send(line);
			assertThat(this.arrived.await(10, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			first.close();
		}
		synchronized (in) {
			this.release.countDown();
			await().atMost(Duration.ofSeconds(10)).until(() -> ReaderInternals.isThreadBlockedOn(in));
			try (PipeTestClient next = this.pipes.writer()) {
				next.send("next");
			}
		}
		assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly(line, "next");
		await().atMost(Duration.ofSeconds(10)).until(() -> !server.getStatistics().isClientConnected());
		assertThat(server.getClientDepartures()).isEqualTo(2);
	}

	/**
	 * A listener that records and holds the thread that tells the first client's arrival
	 * until {@link #release}.
	 */
	private PipeServerListener heldAtFirstArrival() {
		Recorder recorder = this.pipes.recorder;
		return new PipeServerListener() {
			@Override
			public void onClientPresenceChanged(PipeServer server, boolean connected) {
				recorder.onClientPresenceChanged(server, connected);
				if (connected && PipeServerDepartureRaceTests.this.arrived.getCount() > 0) {
					PipeServerDepartureRaceTests.this.arrived.countDown();
					awaitQuietly(PipeServerDepartureRaceTests.this.release);
				}
			}
		};
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
