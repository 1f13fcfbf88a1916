package io.pipeio.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerSettings;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link PendingRequests#failAll} on a real channel: a line the reader hands over while
 * the requests are being failed, before their callers are told, is still the answer of
 * the oldest, not a line that no request waits for.
 */
@Timeout(60)
class PendingRequestsFailAllTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path dir;

	private PendingRequests requests;

	private PipeServer server;

	private final List<PendingRequests.Answer> answers = new CopyOnWriteArrayList<>();

	@BeforeEach
	void startChannel() throws Exception {
		PipeServerSettings settings = PipeServerSettings
			.builder("calc", this.dir.resolve("calc.in"), this.dir.resolve("calc.out"))
			.build();
		this.requests = new PendingRequests(settings);
		this.server = new PipeServer(settings,
				(buffer, offset, length) -> this.answers.add(this.requests.answer(buffer, offset, length)));
		this.server.start();
	}

	@AfterEach
	void stopChannel() {
		this.server.stop();
	}

	@Test
	void aLineReadWhileAnExitFailsTheRequestsAnswersTheOldest() throws Exception {
		CompletableFuture<byte[]> first = send("first");
		CompletableFuture<byte[]> second = send("second");
		answerWhilePaused("one");
		PendingRequests.Exit exit = exit();
		int failed = this.requests.failAll(new IllegalStateException("restarted"), resumeOnce(), exit);
		assertAnsweredFirstAndFailedSecond(first, second, failed);
		// reached on the reader's thread as it ends the chunk, maybe a moment after
		await().atMost(WAIT).until(exit.fence()::isReached);
		await().atMost(WAIT).until(() -> this.requests.size() == 0);
	}

	@Test
	void aLineReadWhileAStopFailsTheRequestsAnswersTheOldest() throws Exception {
		CompletableFuture<byte[]> first = send("first");
		CompletableFuture<byte[]> second = send("second");
		answerWhilePaused("one");
		int failed = this.requests.failAll(new IllegalStateException("stopped"), resumeOnce());
		assertAnsweredFirstAndFailedSecond(first, second, failed);
		assertThat(this.requests.size()).isZero();
	}

	@Test
	void aLineReadWhileAStopFailsTheRequestsGoesToNoRequestSentAfterAnEarlierExit() throws Exception {
		// The first instance answers one of its two requests and exits, read only later.
		CompletableFuture<byte[]> first = send("first");
		CompletableFuture<byte[]> second = send("second");
		answerWhilePaused("one");
		PendingRequests.Exit exit = exit();
		assertThat(this.requests.failAll(new IllegalStateException("restarted"), () -> {
		}, exit)).isEqualTo(2);
		// The next instance answers both of its requests; the channel stops as it reads.
		CompletableFuture<byte[]> third = send("third");
		CompletableFuture<byte[]> fourth = send("fourth");
		Files.write(this.server.getSettings().getInPath(), "three\nfour\n".getBytes(StandardCharsets.UTF_8));
		int failed = this.requests.failAll(new IllegalStateException("stopped"), resumeOnce(3));
		assertThat(this.answers).containsExactly(PendingRequests.Answer.LATE, PendingRequests.Answer.ANSWERED,
				PendingRequests.Answer.ANSWERED);
		assertThat(first).isCompletedExceptionally();
		assertThat(second).isCompletedExceptionally();
		assertThat(third).isCompletedWithValueMatching((answer) -> "three".equals(text(answer)));
		assertThat(fourth).isCompletedWithValueMatching((answer) -> "four".equals(text(answer)));
		assertThat(failed).isZero();
		assertThat(this.requests.size()).isZero();
	}

	@Test
	void anExitWithoutAMarkKeepsAnEarlierExitsMarkAndTheRequestsAheadOfIt() throws Exception {
		CompletableFuture<byte[]> first = send("first");
		answerWhilePaused("one");
		PendingRequests.Exit exit = exit();
		this.requests.failAll(new IllegalStateException("restarted"), () -> {
		}, exit);
		CompletableFuture<byte[]> second = send("second");
		// The second instance's end could not be marked.
		this.requests.failAll(new IllegalStateException("restarted"), () -> {
		}, null);
		assertThat(this.requests.size()).as("the first request keeps its place").isOne();
		CompletableFuture<byte[]> third = send("third");
		Files.write(this.server.getSettings().getInPath(), "three\n".getBytes(StandardCharsets.UTF_8));
		this.server.resume();
		await().atMost(WAIT).until(() -> this.answers.size() == 2);
		assertThat(this.answers).containsExactly(PendingRequests.Answer.LATE, PendingRequests.Answer.ANSWERED);
		assertThat(first).isCompletedExceptionally();
		assertThat(second).isCompletedExceptionally();
		assertThat(third).isCompletedWithValueMatching((answer) -> "three".equals(text(answer)));
		assertThat(this.requests.size()).isZero();
	}

	@Test
	void aMarkReachedBeforeAnEarlierOneTakesItWithoutLosingCount() throws Exception {
		send("first");
		answerWhilePaused("one");
		PendingRequests.Exit first = exit();
		this.requests.failAll(new IllegalStateException("restarted"), () -> {
		}, first);
		send("second");
		Files.write(this.server.getSettings().getInPath(), "two\n".getBytes(StandardCharsets.UTF_8));
		PendingRequests.Exit second = exit();
		this.requests.failAll(new IllegalStateException("restarted"), () -> {
		}, second);
		assertThat(this.requests.size()).isEqualTo(2);
		// The first mark's action comes late, as when its reader ended and the watchdog
		// runs it after the second was reached.
		this.requests.exitReached(second.mark());
		assertThat(this.requests.size()).isZero();
		this.requests.exitReached(first.mark());
		send("third");
		assertThat(this.requests.size()).isOne();
	}

	/** A plug-in's exit: the end of what the in pipe holds now. */
	private PendingRequests.Exit exit() throws Exception {
		PendingRequests.ExitMark mark = new PendingRequests.ExitMark();
		return new PendingRequests.Exit(this.server.fenceInput(() -> this.requests.exitReached(mark)), mark);
	}

	private void assertAnsweredFirstAndFailedSecond(CompletableFuture<byte[]> first, CompletableFuture<byte[]> second,
			int failed) {
		assertThat(this.answers).containsExactly(PendingRequests.Answer.ANSWERED);
		assertThat(first).isCompletedWithValueMatching((answer) -> "one".equals(text(answer)));
		assertThat(second).isCompletedExceptionally();
		assertThat(failed).isOne();
	}

	private CompletableFuture<byte[]> send(String line) {
		return this.requests.send(line.getBytes(StandardCharsets.UTF_8), this.server::sendAsync, (orphan) -> {
		});
	}

	/** The plug-in's answer, in the in pipe and not read. */
	private void answerWhilePaused(String line) throws Exception {
		this.server.pause();
		Files.write(this.server.getSettings().getInPath(), (line + "\n").getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Resumes the channel the first time the requests are taken, and waits until the
	 * reader handed over the line: it is read in the moment between taking the requests
	 * and telling their callers.
	 */
	private Runnable resumeOnce() {
		return resumeOnce(1);
	}

	private Runnable resumeOnce(int lines) {
		AtomicBoolean resumed = new AtomicBoolean();
		return () -> {
			if (resumed.compareAndSet(false, true)) {
				this.server.resume();
				await().atMost(WAIT).until(() -> this.answers.size() == lines);
			}
		};
	}

	private static @Nullable String text(byte @Nullable [] line) {
		return (line != null) ? new String(line, StandardCharsets.UTF_8) : null;
	}

}
