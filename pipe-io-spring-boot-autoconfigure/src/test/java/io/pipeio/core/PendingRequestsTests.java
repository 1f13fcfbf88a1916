package io.pipeio.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.pipeio.server.OverflowPolicy;
import io.pipeio.server.PipeSendException;
import io.pipeio.server.PipeServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * {@link PendingRequests} with a sender that waits for room until the test lets it go, as
 * a send with {@code overflow: block} waits while no client reads.
 */
@Timeout(60)
class PendingRequestsTests {

	private static final Duration SEND_TIMEOUT = Duration.ofMillis(500);

	private final PendingRequests requests = requests(SEND_TIMEOUT);

	/** Long enough for nothing to time out in a test. */
	private final PendingRequests patient = requests(Duration.ofSeconds(60));

	private final CountDownLatch room = new CountDownLatch(1);

	@Test
	void aRequestBehindOneWaitingForRoomGivesUpAfterOneSendTimeoutWhileTheOtherStillWaits() throws Exception {
		Thread first = sendWaitingForRoom(this.requests);
		Throwable thrown = catchThrowable(() -> this.requests.send("second".getBytes(),
				(line, maxWait) -> CompletableFuture.completedFuture(null), (orphan) -> {
				}));
		assertThat(first.isAlive()).as("the first request still waits for room").isTrue();
		assertThat(thrown).isInstanceOf(PipeSendException.class)
			.hasMessageContaining("'calc'")
			.hasMessageContaining("no room in the send queue for 500ms");
		assertThat(this.requests.size()).as("only the first holds a place").isOne();
		this.room.countDown();
		first.join();
	}

	@Test
	void aRequestThatWaitedForTheLockWaitsForRoomOnlyForWhatIsLeftOfTheSendTimeout() throws Exception {
		PendingRequests patient = this.patient;
		Thread first = sendWaitingForRoom(patient);
		AtomicReference<Duration> given = new AtomicReference<>();
		Thread second = new Thread(() -> patient.send("second".getBytes(), (line, maxWait) -> {
			given.set(maxWait);
			return CompletableFuture.completedFuture(null);
		}, (orphan) -> {
		}));
		second.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> second.getState() == Thread.State.TIMED_WAITING);
		this.room.countDown();
		first.join();
		second.join();
		assertThat(given.get()).isPositive().isLessThan(Duration.ofSeconds(60));
		assertThat(patient.size()).isEqualTo(2);
	}

	@Test
	void aRequestWaitingForTheLockIsInterrupted() throws Exception {
		PendingRequests patient = this.patient;
		Thread first = sendWaitingForRoom(patient);
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
		Thread second = new Thread(() -> {
			thrown.set(catchThrowable(() -> patient.send("second".getBytes(),
					(line, maxWait) -> CompletableFuture.completedFuture(null), (orphan) -> {
					})));
			stillInterrupted.set(Thread.currentThread().isInterrupted());
		});
		second.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> second.getState() == Thread.State.TIMED_WAITING);
		second.interrupt();
		second.join();
		assertThat(first.isAlive()).as("the first request still waits for room").isTrue();
		assertThat(thrown.get()).isInstanceOf(PipeSendException.class).hasMessageContaining("interrupted");
		assertThat(stillInterrupted.get()).isTrue();
		this.room.countDown();
		first.join();
	}

	/**
	 * A request whose send waits for room until {@link #room} opens, holding the lock.
	 */
	private Thread sendWaitingForRoom(PendingRequests requests) throws InterruptedException {
		CountDownLatch entered = new CountDownLatch(1);
		Thread first = new Thread(() -> requests.send("first".getBytes(), (line, maxWait) -> {
			entered.countDown();
			awaitRoom();
			return CompletableFuture.completedFuture(null);
		}, (orphan) -> {
		}));
		first.start();
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
		return first;
	}

	private static PendingRequests requests(Duration sendTimeout) {
		return new PendingRequests(PipeServerSettings.builder("calc", Path.of("calc.in"), Path.of("calc.out"))
			.overflow(OverflowPolicy.BLOCK)
			.sendTimeout(sendTimeout)
			.build());
	}

	private void awaitRoom() {
		try {
			this.room.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
