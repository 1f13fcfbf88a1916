package io.pipeio.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * An event loop whose {@code epoll_wait} fails fails every channel on it visibly: each
 * goes FAILED with a cause naming the event loop, tells its listener, stays FAILED, and
 * neither a send nor a stop hangs on it. A channel restarted afterwards is placed on a
 * new loop that works, the group hands the failed loop out no more, and the last stop
 * leaves no engine thread behind.
 * <p>
 * The failure is real, not simulated: {@code /dev/null} is put over the number of the
 * loop's {@code epoll} descriptor, so its next {@code epoll_wait} fails with
 * {@code EINVAL}. The number stays the loop's, which closes it as it fails, so no other
 * descriptor of the process is touched. The servers run on the event loop whatever engine
 * the suite tests, with their handlers on the loop thread ({@link DispatchMode#LOOP}) so
 * that the thread that handles a line tells the loop.
 */
class PipeServerEventLoopFailureTests extends PipeServerTestSupport {

	private static final String LOOP = "pipe-io-event-loop";

	/** Generous: the busy machine of a build must not fail the test. */
	private static final Duration WITHIN = Duration.ofSeconds(10);

	/** Lines of 4 KiB: four times what a pipe holds. */
	private static final int WAITING_LINES = 64;

	/** The thread that handled each line, per channel, in order. */
	private final Map<String, List<Thread>> handlerThreads = new ConcurrentHashMap<>();

	private final Map<String, Recorder> recorders = new ConcurrentHashMap<>();

	@Test
	void failedLoopFailsEveryChannelOnItAndARestartedChannelGetsANewLoop() throws Exception {
		PipeServer a = startEcho("a");
		PipeServer b = startEcho("b");
		// Clients stay attached across the failure, so that no client leaving makes a
		// channel touch the loop while it is being broken.
		PipeTestClient clientA = client("a");
		PipeTestClient clientB = client("b");
		assertThat(clientA.request("before")).isEqualTo("a: before");
		assertThat(clientB.request("before")).isEqualTo("b: before");
		// A third channel has lines waiting for room in its out pipe, which no client
		// reads: its writer needs the loop to tell it when there is room.
		PipeServer c = startEcho("c");
		List<CompletableFuture<Void>> waiting = new ArrayList<>();
		for (int i = 0; i < WAITING_LINES; i++) {
			waiting.add(c.sendAsync("x".repeat(4096).getBytes(StandardCharsets.UTF_8)));
		}
		// One loop, asked for by all: every channel is on the loop the group hands out.
		assertThat(EventLoopGroup.size()).isEqualTo(1);
		EventLoop failing = loopHandedOut();
		Thread failingThread = failing.thread();
		assertThat(this.handlerThreads.values()).allSatisfy((threads) -> assertThat(threads).hasSize(1)
			.allSatisfy((thread) -> assertThat(thread.getName()).isEqualTo(LOOP)));

		breakEpoll(failing);

		for (PipeServer server : List.of(a, b, c)) {
			// the cause is the loop's own failure, epoll_wait's EINVAL
			await().atMost(WITHIN).untilAsserted(() -> {
				assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
				assertThat(String.valueOf(server.getLastFailure())).contains("event loop failed")
					.contains("epoll_wait failed with errno 22");
			});
			Recorder recorder = this.recorders.get(server.getChannel());
			assertThat(recorder.transitions).contains("RUNNING->FAILED");
			assertThat(recorder.failures)
				.anySatisfy((cause) -> assertThat(String.valueOf(cause)).contains("event loop failed"));
		}
		// the failed loop's thread ends, rather than waiting on nothing
		await().atMost(WITHIN).until(() -> !failingThread.isAlive());

		// Nothing hangs on a channel of the failed loop. A client's line is not read:
		// writing it fails, as nothing holds the in pipe open for reading any more, but
		// for the moment the watchdog's attempt to serve it again has it open.
		Throwable writing = catchThrowable(() -> clientB.send("unread"));
		if (writing != null) {
			assertThat(writing).hasRootCauseMessage("Broken pipe");
		}
		// A line sent is done with, written or dropped, and counted either way.
		ChannelStatistics statisticsB = b.getStatistics();
		long countedB = statisticsB.getSentMessages() + statisticsB.getDroppedTotal();
		CompletableFuture<Void> sent = b.sendAsync("sent after the failure".getBytes(StandardCharsets.UTF_8));
		await().atMost(WITHIN).until(sent::isDone);
		assertThat(statisticsB.getSentMessages() + statisticsB.getDroppedTotal()).isEqualTo(countedB + 1);
		// Lines that waited for room are dropped, not left waiting for a loop that is
		// gone; the channel refuses further lines at once.
		await().atMost(WITHIN).until(() -> waiting.stream().allMatch(CompletableFuture::isDone));
		ChannelStatistics statisticsC = c.getStatistics();
		// The lines the pipe took are lost with it too (no client reads it): counted as
		// sent and dropped.
		long unwritten = WAITING_LINES - statisticsC.getSentMessages();
		assertThat(unwritten).isPositive();
		assertThat(statisticsC.getDropped(DropReason.WRITER_FAILED)).isEqualTo(WAITING_LINES);
		// and each line not written is handed over to be kept, as a dead-letter file does
		assertThat(this.recorders.get(c.getChannel()).droppedLines)
			.filteredOn((lost) -> lost.reason() == DropReason.WRITER_FAILED)
			.hasSize((int) unwritten);
		assertThatExceptionOfType(PipeSendException.class)
			.isThrownBy(() -> c.send("refused".getBytes(StandardCharsets.UTF_8)));

		// Restarted, a channel gets a new loop, which works.
		stopPromptly(a);
		a.start();
		assertThat(a.getState()).isEqualTo(PipeServerState.RUNNING);
		try (PipeTestClient again = PipeTestClient.connect(in("a"), out("a"), WITHIN)) {
			assertThat(again.request("after")).isEqualTo("a: after");
		}
		Thread handledAfter = this.handlerThreads.get("a").get(1);
		assertThat(handledAfter).isNotSameAs(failingThread);
		assertThat(handledAfter.getName()).isEqualTo(LOOP);
		// The failed loop was replaced, not added to; the group hands out the new one.
		assertThat(EventLoopGroup.size()).isEqualTo(1);
		EventLoop replacement = loopHandedOut();
		assertThat(replacement).isNotSameAs(failing);
		assertThat(replacement.failed()).isFalse();
		assertThat(failing.failed()).isTrue();
		// the channels left on the failed loop are still told the truth
		assertThat(b.getState()).isEqualTo(PipeServerState.FAILED);
		assertThat(c.getState()).isEqualTo(PipeServerState.FAILED);

		stopPromptly(b);
		stopPromptly(c);
		stopPromptly(a);
		assertThat(TestPipes.engineThreads()).isEmpty();
		assertThat(EventLoopGroup.size()).isZero();
	}

	/**
	 * Put {@code /dev/null} over the loop's {@code epoll} descriptor and wake the loop:
	 * the {@code epoll_wait} it is in returns (the kernel keeps the old epoll alive while
	 * a call uses it), and the next one, on {@code /dev/null}, fails with {@code EINVAL}.
	 * The loop is woken through an eventfd of the test's own, registered like a channel's
	 * descriptor, so no channel takes part in the wake-up.
	 */
	private static void breakEpoll(EventLoop loop) throws IOException {
		assertThat(loop.failed()).isFalse(); // running: the number is the loop's epoll
		int wake = PosixPoll.eventfd();
		long token = loop.newToken((events) -> {
		});
		try {
			loop.add(wake, Epoll.EPOLLIN, token);
			int devNull = Posix.open("/dev/null", Posix.O_RDONLY);
			try {
				// close-on-exec, like the epoll descriptor: no child process inherits it
				LibC.INSTANCE.dup3(devNull, loop.epollDescriptor(), Posix.O_CLOEXEC);
			}
			finally {
				Posix.close(devNull);
			}
			PosixPoll.signal(wake);
			await().atMost(WITHIN).until(loop::failed);
		}
		finally {
			loop.remove(wake); // nothing to remove once the loop failed
			loop.removeToken(token);
			Posix.close(wake);
		}
	}

	/**
	 * @return the loop the group would place a channel on now; given back at once, so the
	 * group's users stay the servers
	 */
	private static EventLoop loopHandedOut() throws IOException {
		EventLoop loop = EventLoopGroup.acquire(1, null);
		loop.release(null, TestPipes.STOP_TIMEOUT.toMillis());
		return loop;
	}

	private static void stopPromptly(PipeServer server) {
		long start = System.nanoTime();
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TestPipes.STOP_BOUND);
		assertThat(server.getState()).isEqualTo(PipeServerState.STOPPED);
	}

	private PipeServer startEcho(String channel) throws IOException {
		Recorder recorder = new Recorder();
		this.recorders.put(channel, recorder);
		PipeServer server = this.pipes.server(PipeServerSettings.builder(channel, in(channel), out(channel))
			.engine(PipeEngine.EVENT_LOOP)
			.dispatch(DispatchMode.LOOP)
			.eventLoops(1)
			.build(), TestPipes.replying((buffer, offset, length, replies) -> {
				this.handlerThreads.computeIfAbsent(channel, (name) -> new CopyOnWriteArrayList<>())
					.add(Thread.currentThread());
				String line = new String(buffer, offset, length, StandardCharsets.UTF_8);
				replies.send((channel + ": " + line).getBytes(StandardCharsets.UTF_8));
			}), recorder);
		server.start();
		return server;
	}

	private PipeTestClient client(String channel) {
		return this.pipes.track(PipeTestClient.connect(in(channel), out(channel), WITHIN));
	}

	private Path in(String channel) {
		return this.dir.resolve(channel + ".in");
	}

	private Path out(String channel) {
		return this.dir.resolve(channel + ".out");
	}

	/** {@code dup3}, which the engine never needs: only this test breaks a descriptor. */
	interface LibC extends Library {

		LibC INSTANCE = Native.load("c", LibC.class);

		int dup3(int oldFd, int newFd, int flags) throws LastErrorException;

	}

}
