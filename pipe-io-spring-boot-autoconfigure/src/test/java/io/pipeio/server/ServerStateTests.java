package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.pipeio.testsupport.Undeclared;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * What a failure does to a channel's state: it fails a running one, told once while the
 * cause stays the same, and only becomes the last error of one that is stopping or
 * stopped. And how changes are told: in order, under no lock, and not while the lifecycle
 * lock is held.
 */
class ServerStateTests {

	@TempDir
	Path directory;

	private final List<String> told = new CopyOnWriteArrayList<>();

	private final CountDownLatch failureTold = new CountDownLatch(1);

	@Test
	void aFailureFailsARunningChannelAndIsToldOnceWhileItsCauseStaysTheSame() {
		ChannelStatistics statistics = new ChannelStatistics(HandlerStatistics.NONE);
		ServerState state = state(statistics);
		state.set(PipeServerState.RUNNING, null);
		state.fail(new IllegalStateException("pipe gone"));
		ChannelStatistics.LastError first = statistics.getLastError();
		state.fail(new IllegalStateException("pipe gone"));
		assertThat(state.get()).isEqualTo(PipeServerState.FAILED);
		assertThat(statistics.getLastError()).isSameAs(first);
		assertThat(this.told).containsExactly("STOPPED->RUNNING", "RUNNING->FAILED pipe gone");
	}

	@Test
	void aFailureOnceAStopBeganIsTheLastErrorRecordedOnceAndNoState() {
		ChannelStatistics statistics = new ChannelStatistics(HandlerStatistics.NONE);
		ServerState state = state(statistics);
		state.set(PipeServerState.RUNNING, null);
		state.set(PipeServerState.STOPPING, null);
		state.fail(new IllegalStateException("writer failed"));
		ChannelStatistics.LastError first = statistics.getLastError();
		assertThat(first).isNotNull();
		state.fail(new IllegalStateException("writer failed"));
		state.set(PipeServerState.STOPPED, null);
		state.fail(new IllegalStateException("writer failed"));
		assertThat(statistics.getLastError()).isSameAs(first);
		assertThat(state.lastFailure()).hasMessage("writer failed");
		state.fail(new IllegalStateException("writer failed again"));
		assertThat(statistics.getLastError()).isNotSameAs(first);
		assertThat(state.get()).isEqualTo(PipeServerState.STOPPED);
		assertThat(this.told).containsExactly("STOPPED->RUNNING", "RUNNING->STOPPING", "STOPPING->STOPPED");
	}

	@Test
	void aCheckRecoversAChannelOnlyIfItDidNotFailAgainSinceTheCheckBegan() {
		ServerState state = state(new ChannelStatistics(HandlerStatistics.NONE));
		state.set(PipeServerState.RUNNING, null);
		state.fail(new IllegalStateException("pipe gone"));
		Throwable failureBefore = state.lastFailure();
		// the writer ends while the check finds the pipe mended
		state.fail(new IllegalStateException("writer ended"));
		state.recover(failureBefore);
		assertThat(state.get()).isEqualTo(PipeServerState.FAILED);
		state.recover(state.lastFailure());
		assertThat(state.get()).isEqualTo(PipeServerState.RUNNING);
		assertThat(this.told).containsExactly("STOPPED->RUNNING", "RUNNING->FAILED pipe gone",
				"FAILED->FAILED writer ended", "FAILED->RUNNING");
	}

	@Test
	void changesMadeWhileTheLifecycleLockIsHeldAreToldOnceItIsGivenBack() {
		AtomicBoolean locked = new AtomicBoolean(true);
		ServerState state = state(new ChannelStatistics(HandlerStatistics.NONE), locked::get, null);
		state.set(PipeServerState.STARTING, null);
		state.pipeRecreated(this.directory.resolve("test.in"), true);
		state.set(PipeServerState.RUNNING, null);
		assertThat(state.get()).isEqualTo(PipeServerState.RUNNING);
		assertThat(this.told).isEmpty();
		locked.set(false);
		state.tellPending();
		assertThat(this.told).containsExactly("STOPPED->STARTING", "recreated test.in", "STARTING->RUNNING");
	}

	@Test
	void aChangeMadeWhileAnotherThreadTellsIsToldByThatThreadAfterwardsAndInOrder() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		ServerState state = state(new ChannelStatistics(HandlerStatistics.NONE), () -> false, blockOnFailure(release));
		CompletableFuture<Void> failing = failWhileRunning(state);
		// Neither waits for the listener the other thread is in.
		state.recover(state.lastFailure());
		state.set(PipeServerState.STOPPING, null);
		assertThat(this.told).containsExactly("STOPPED->RUNNING", "RUNNING->FAILED pipe gone");
		release.countDown();
		failing.get(10, TimeUnit.SECONDS);
		assertThat(this.told).containsExactly("STOPPED->RUNNING", "RUNNING->FAILED pipe gone", "FAILED->RUNNING",
				"RUNNING->STOPPING");
	}

	@Test
	void aStopWaitsForTheThreadTellingAnEarlierChangeUntilItsDeadline() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean locked = new AtomicBoolean();
		ServerState state = state(new ChannelStatistics(HandlerStatistics.NONE), locked::get, blockOnFailure(release));
		CompletableFuture<Void> failing = failWhileRunning(state);
		locked.set(true);
		state.set(PipeServerState.STOPPING, null);
		locked.set(false);
		// past its deadline, it returns with its change not told
		state.tellPending(TimeUnit.MILLISECONDS.toNanos(50));
		assertThat(this.told).doesNotContain("FAILED->STOPPING");
		Thread stopping = new Thread(() -> state.tellPending(TimeUnit.SECONDS.toNanos(20)));
		stopping.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> stopping.getState() == Thread.State.TIMED_WAITING);
		release.countDown();
		stopping.join(TimeUnit.SECONDS.toMillis(10));
		assertThat(stopping.isAlive()).isFalse();
		// waited for the other thread, which told its change
		assertThat(this.told).containsExactly("STOPPED->RUNNING", "RUNNING->FAILED pipe gone", "FAILED->STOPPING");
		failing.get(10, TimeUnit.SECONDS);
	}

	@Test
	void aThreadTellingLeavesTheChangesTheLifecycleLocksHolderMadeToThatThread() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean locked = new AtomicBoolean();
		List<String> tellers = new CopyOnWriteArrayList<>();
		Consumer<PipeServerState> blocking = blockOnFailure(release);
		ServerState state = state(new ChannelStatistics(HandlerStatistics.NONE), locked::get, (current) -> {
			tellers.add(current + " on " + Thread.currentThread().getName());
			blocking.accept(current);
		});
		CompletableFuture<Void> failing = failWhileRunning(state);
		locked.set(true);
		state.set(PipeServerState.STOPPING, null);
		locked.set(false);
		release.countDown();
		failing.get(10, TimeUnit.SECONDS);
		assertThat(this.told).containsExactly("STOPPED->RUNNING", "RUNNING->FAILED pipe gone");
		state.tellPending(TimeUnit.SECONDS.toNanos(10));
		assertThat(this.told).containsExactly("STOPPED->RUNNING", "RUNNING->FAILED pipe gone", "FAILED->STOPPING");
		assertThat(tellers).last().isEqualTo("STOPPING on " + Thread.currentThread().getName());
	}

	@Test
	void aListenerThatChangesTheStateIsToldThatChangeNextWithoutWaitingForItself() {
		AtomicReference<@Nullable ServerState> self = new AtomicReference<>();
		ServerState state = state(new ChannelStatistics(HandlerStatistics.NONE), () -> false, (current) -> {
			ServerState changed = self.get();
			if (current == PipeServerState.FAILED && changed != null) {
				changed.set(PipeServerState.STOPPING, null);
				changed.tellPending(Long.MAX_VALUE);
				ServerStateTests.this.told.add("stop returned");
			}
		});
		self.set(state);
		state.set(PipeServerState.RUNNING, null);
		state.fail(new IllegalStateException("pipe gone"));
		assertThat(this.told).containsExactly("STOPPED->RUNNING", "RUNNING->FAILED pipe gone", "stop returned",
				"FAILED->STOPPING");
	}

	@Test
	void aListenerThatStartsTheServerAfterAnotherThreadsStopHasItsStartToldAndWhatComesAfter() throws Exception {
		ReentrantLock lifecycleLock = new ReentrantLock();
		CountDownLatch release = new CountDownLatch(1);
		AtomicReference<@Nullable ServerState> self = new AtomicReference<>();
		ServerState state = state(new ChannelStatistics(HandlerStatistics.NONE), lifecycleLock::isHeldByCurrentThread,
				(current) -> {
					ServerState changed = self.get();
					if (current == PipeServerState.FAILED && changed != null) {
						this.failureTold.countDown();
						awaitLatch(release);
						// a listener that starts the failed channel again, from within
						lifecycleLock.lock();
						try {
							changed.set(PipeServerState.STARTING, null);
						}
						finally {
							lifecycleLock.unlock();
						}
						changed.tellPending(Long.MAX_VALUE);
					}
				});
		self.set(state);
		CompletableFuture<Void> failing = failWhileRunning(state);
		// an operator's stop, made while the listener is told of the failure
		Thread stopping = new Thread(() -> {
			lifecycleLock.lock();
			try {
				state.set(PipeServerState.STOPPING, null);
				state.set(PipeServerState.STOPPED, null);
			}
			finally {
				lifecycleLock.unlock();
			}
			state.tellPending(TimeUnit.SECONDS.toNanos(20));
		}, "stopping");
		stopping.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> stopping.getState() == Thread.State.TIMED_WAITING);
		release.countDown();
		failing.get(10, TimeUnit.SECONDS);
		stopping.join(TimeUnit.SECONDS.toMillis(10));
		assertThat(stopping.isAlive()).isFalse();
		// and a start on this thread later on
		lifecycleLock.lock();
		try {
			state.set(PipeServerState.RUNNING, null);
		}
		finally {
			lifecycleLock.unlock();
		}
		state.tellPending(TimeUnit.SECONDS.toNanos(1));
		assertThat(this.told).containsExactly("STOPPED->RUNNING", "RUNNING->FAILED pipe gone", "FAILED->STOPPING",
				"STOPPING->STOPPED", "STOPPED->STARTING", "STARTING->RUNNING");
	}

	@Test
	void aListenerThatThrowsDoesNotKeepTheLaterChangesFromBeingTold() {
		ServerState state = state(new ChannelStatistics(HandlerStatistics.NONE), () -> false, (current) -> {
			if (current == PipeServerState.STARTING) {
				throw new IllegalStateException("listener failed");
			}
		});
		assertThatIllegalStateException().isThrownBy(() -> state.set(PipeServerState.STARTING, null))
			.withMessage("listener failed");
		state.set(PipeServerState.RUNNING, null);
		assertThat(this.told).containsExactly("STOPPED->STARTING", "STARTING->RUNNING");
	}

	/**
	 * A listener action that blocks the thread telling a failure until released.
	 */
	private Consumer<PipeServerState> blockOnFailure(CountDownLatch release) {
		return (current) -> {
			if (current == PipeServerState.FAILED) {
				this.failureTold.countDown();
				awaitLatch(release);
			}
		};
	}

	/**
	 * Set the state running, then fail it on another thread, returning once that thread
	 * tells the failure.
	 */
	private CompletableFuture<Void> failWhileRunning(ServerState state) {
		state.set(PipeServerState.RUNNING, null);
		CompletableFuture<Void> failing = CompletableFuture
			.runAsync(() -> state.fail(new IllegalStateException("pipe gone")));
		awaitLatch(this.failureTold);
		return failing;
	}

	@Test
	void aListenerThatThrowsACheckedExceptionItDidNotDeclareDoesNotKeepTheLaterChangesFromBeingTold() throws Exception {
		ServerState state = state(new ChannelStatistics(HandlerStatistics.NONE), () -> false, (current) -> {
			if (current == PipeServerState.STARTING) {
				Undeclared.raise(new IOException("thrown by a listener that did not declare it"));
			}
		});
		assertThat(catchThrowable(() -> state.set(PipeServerState.STARTING, null))).isInstanceOf(IOException.class);
		state.set(PipeServerState.RUNNING, null);
		// nor does a start on another thread wait for a teller that is gone
		CompletableFuture.runAsync(() -> {
			state.set(PipeServerState.STOPPING, null);
			state.tellPending(Long.MAX_VALUE);
		}).get(10, TimeUnit.SECONDS);
		assertThat(this.told).containsExactly("STOPPED->STARTING", "STARTING->RUNNING", "RUNNING->STOPPING");
	}

	@Test
	void aFailureOnceAStopBeganLeavesTheStopsChangesToTheStop() {
		AtomicBoolean locked = new AtomicBoolean();
		ServerState state = state(new ChannelStatistics(HandlerStatistics.NONE), locked::get, null);
		state.set(PipeServerState.RUNNING, null);
		locked.set(true);
		state.set(PipeServerState.STOPPING, null);
		locked.set(false);
		// an engine thread, which holds no lock, fails as the stop closes its pipe
		state.fail(new IllegalStateException("reader failed"));
		assertThat(this.told).containsExactly("STOPPED->RUNNING");
		state.tellPending(Long.MAX_VALUE);
		assertThat(this.told).containsExactly("STOPPED->RUNNING", "RUNNING->STOPPING");
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private ServerState state(ChannelStatistics statistics) {
		return state(statistics, () -> false, null);
	}

	private ServerState state(ChannelStatistics statistics, BooleanSupplier holdsLifecycleLock,
			@Nullable Consumer<PipeServerState> afterTelling) {
		PipeServer server = new PipeServer(PipeServerSettings
			.builder("test", this.directory.resolve("test.in"), this.directory.resolve("test.out"))
			.build(), (buffer, offset, length) -> {
			});
		return new ServerState(server, new PipeServerListener() {

			@Override
			public void onStateChanged(PipeServer changed, PipeServerState previous, PipeServerState current,
					@Nullable Throwable cause) {
				ServerStateTests.this.told
					.add(previous + "->" + current + ((cause != null) ? " " + cause.getMessage() : ""));
				if (afterTelling != null) {
					afterTelling.accept(current);
				}
			}

			@Override
			public void onPipeRecreated(PipeServer changed, Path path, boolean created) {
				ServerStateTests.this.told.add("recreated " + path.getFileName());
			}

		}, statistics, holdsLifecycleLock);
	}

}
