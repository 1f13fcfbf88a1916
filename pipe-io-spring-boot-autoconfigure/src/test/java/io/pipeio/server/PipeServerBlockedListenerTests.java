package io.pipeio.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import io.pipeio.testsupport.Latches;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener that blocks on the watchdog's thread, such as an event listener making a
 * slow call about a failure, holds up that thread only: a stop of the channel it is told
 * about still returns within its timeout, and the changes made meanwhile are told later,
 * in order.
 */
class PipeServerBlockedListenerTests extends PipeServerTestSupport {

	private static final Duration STOP_TIMEOUT = Duration.ofMillis(500);

	/** Far beyond the stop's timeout, far below the test's. */
	private static final Duration STOPPED_WITHIN = Duration.ofSeconds(8);

	private final CountDownLatch release = new CountDownLatch(1);

	private final CountDownLatch blocked = new CountDownLatch(1);

	private final List<String> told = new CopyOnWriteArrayList<>();

	@Test
	void aStopReturnsWithinItsTimeoutWhileTheWatchdogTellsOfARecreatedPipe() throws Exception {
		PipeServer server = startBlockingOn("recreated test.in");
		Files.delete(this.pipes.in());
		stopWhileBlocked(server);
		assertThat(this.told).containsExactly("STOPPED->STARTING", "STARTING->RUNNING", "recreated test.in",
				"RUNNING->STOPPING", "STOPPING->STOPPED");
	}

	@Test
	void aStopReturnsWithinItsTimeoutWhileTheWatchdogTellsOfAFailure() throws Exception {
		PipeServer server = startBlockingOn("RUNNING->FAILED");
		// Not a FIFO, and not the server's own: the watchdog fails the channel rather
		// than use or replace it.
		Files.delete(this.pipes.in());
		Files.writeString(this.pipes.in(), "a regular file\n");
		stopWhileBlocked(server);
		assertThat(this.told).containsExactly("STOPPED->STARTING", "STARTING->RUNNING", "RUNNING->FAILED",
				"FAILED->STOPPING", "STOPPING->STOPPED");
		assertThat(this.pipes.in()).hasContent("a regular file");
	}

	@Test
	void aStartIsToldOnItsOwnThreadWhereItsCallersLocksAreHeldAfterTheWatchdogToldWhatCameFirst() throws Exception {
		Object callersLock = new Object();
		PipeServer server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
		}, new PipeServerListener() {

			@Override
			public void onStateChanged(PipeServer changed, PipeServerState previous, PipeServerState current,
					@Nullable Throwable cause) {
				if (current == PipeServerState.RUNNING) {
					// such as an event listener that stops the channel it was told of,
					// taking the lock its start's caller holds
					synchronized (callersLock) {
						tell(previous + "->" + current + " on " + Thread.currentThread().getName(), "");
					}
				}
			}

			@Override
			public void onPipeRecreated(PipeServer changed, Path path, boolean created) {
				tell("recreated " + path.getFileName(), "recreated test.in");
			}

		});
		server.start();
		Files.delete(this.pipes.in());
		await().atMost(STOPPED_WITHIN).until(() -> this.blocked.getCount() == 0);
		// the stop's changes are left to the watchdog, still in the listener
		server.stop(STOP_TIMEOUT);
		Thread starter = new Thread(() -> {
			synchronized (callersLock) {
				try {
					server.start();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
		}, "starter");
		try {
			starter.start();
			await().atMost(STOPPED_WITHIN)
				.until(() -> server.getState() == PipeServerState.RUNNING
						&& starter.getState() == Thread.State.TIMED_WAITING);
		}
		finally {
			this.release.countDown();
		}
		starter.join(STOPPED_WITHIN.toMillis());
		assertThat(starter.isAlive()).as("the start returned").isFalse();
		assertThat(this.told).containsExactly("STARTING->RUNNING on " + Thread.currentThread().getName(),
				"recreated test.in", "STARTING->RUNNING on starter");
	}

	/**
	 * Start a server whose listener records what it is told and blocks when told the
	 * given change on the watchdog's thread.
	 */
	private PipeServer startBlockingOn(String change) throws Exception {
		PipeServer server = this.pipes.server(this.pipes.settings().build(), (buffer, offset, length) -> {
		}, new PipeServerListener() {

			@Override
			public void onStateChanged(PipeServer changed, PipeServerState previous, PipeServerState current,
					@Nullable Throwable cause) {
				tell(previous + "->" + current, change);
			}

			@Override
			public void onPipeRecreated(PipeServer changed, Path path, boolean created) {
				tell("recreated " + path.getFileName(), change);
			}

		});
		server.start();
		return server;
	}

	private void tell(String change, String blockingChange) {
		this.told.add(change);
		if (change.equals(blockingChange)) {
			blockOnTheWatchdog();
		}
	}

	private void blockOnTheWatchdog() {
		if (!Thread.currentThread().getName().equals("pipe-io-watchdog")) {
			this.told.add("told on " + Thread.currentThread().getName() + ", not the watchdog");
			return;
		}
		this.blocked.countDown();
		// deaf to the interrupt of a stop that ends the watchdog, as a slow call may be
		Latches.awaitDeafly(this.release);
	}

	/**
	 * Stop the server while the watchdog is blocked in the listener, then let the
	 * listener go: the stop returned in time, and what it changed is told once the
	 * listener returned.
	 */
	private void stopWhileBlocked(PipeServer server) throws Exception {
		try {
			await().atMost(STOPPED_WITHIN).until(() -> this.blocked.getCount() == 0);
			CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> server.stop(STOP_TIMEOUT));
			await().atMost(STOPPED_WITHIN).until(stop::isDone);
			stop.get();
			assertThat(server.getState()).isEqualTo(PipeServerState.STOPPED);
			// still telling the earlier change on the watchdog's thread
			assertThat(this.told).doesNotContain("STOPPING->STOPPED");
		}
		finally {
			this.release.countDown();
		}
		await().atMost(STOPPED_WITHIN).until(() -> this.told.contains("STOPPING->STOPPED"));
	}

}
