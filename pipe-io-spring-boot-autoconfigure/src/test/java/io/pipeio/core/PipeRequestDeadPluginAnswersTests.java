package io.pipeio.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.pipeio.annotation.PipeListener;
import io.pipeio.event.PipePluginExitedEvent;
import io.pipeio.plugin.PluginState;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.DropReason;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plug-in that answers and then dies before the channel read its answers: they reach
 * the requests they answer, not the requests sent to the next instance.
 */
@Timeout(120)
@ExtendWith(OutputCaptureExtension.class)
class PipeRequestDeadPluginAnswersTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String GAVE_UP = "ended before the channel read what it wrote";

	/**
	 * A crash-loop instance ({@code $n} its number) that answers one request and dies.
	 */
	private static final String ANSWERS_AND_DIES = "read -r line\necho \"$line from $n\"\nexit 3\n";

	@TempDir
	Path directory;

	@Test
	void answersWrittenByAPluginThatDiedReachTheirRequests() throws Exception {
		// The first instance greets (a line for the listener, which holds the channel's
		// reading up), answers one request with its pid, and dies; the next one answers
		// every request.
		Path script = this.directory.resolve("answers-then-dies.py");
		Files.writeString(script, """
				import os, sys
				first = not os.path.exists(sys.argv[1])
				if first:
				    print("hello", flush=True)
				for line in sys.stdin:
				    print(line.strip() + " from " + str(os.getpid()), flush=True)
				    if first:
				        open(sys.argv[1], "w").close()
				        sys.exit(3)
				""");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withUserConfiguration(HeldListener.class)
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=" + Python.interpreter(),
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.command[2]=" + this.directory.resolve("died-once"),
					"pipe-io.channels.calc.plugin.backoff.initial=100ms")
			.run((context) -> {
				HeldListener listener = context.getBean(HeldListener.class);
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				PluginSupervisor plugin = context.getBean(PipeChannelRegistry.class)
					.getRequiredChannel("calc")
					.getPlugin();
				assertThat(listener.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
				long pid = plugin.getPid();
				CompletableFuture<String> first = requests.sendAndReceiveAsync("calc", "first", WAIT);
				// It answered and died, and the channel saw it die, while its answer
				// still waits behind the held listener.
				await().atMost(WAIT)
					.pollInterval(Duration.ofMillis(10))
					.until(() -> plugin.getState() != PluginState.RUNNING);
				listener.release.countDown();
				assertThat(first).succeedsWithin(WAIT).isEqualTo("first from " + pid);
				await().atMost(WAIT)
					.until(() -> plugin.getState() == PluginState.RUNNING && plugin.getPid() != null
							&& plugin.getPid() != pid);
				long next = plugin.getPid();
				assertThat(requests.sendAndReceive("calc", "second", WAIT)).isEqualTo("second from " + next);
				assertThat(listener.received).containsExactly("hello");
			});
	}

	@Test
	void anAnswerThePluginWritesAsItsChannelStopsReachesItsRequest() throws Exception {
		// Greets (a line for the listener, which holds the channel's reading up), and
		// answers only when told to stop (SIGTERM), then exits.
		Path script = this.directory.resolve("answers-at-stop.sh");
		Files.writeString(script, """
				trap 'echo "$line answered at stop"; exit 0' TERM
				echo hello
				read -r line
				: > "$1"
				while :; do sleep 0.05; done
				""");
		Path read = this.directory.resolve("read");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withUserConfiguration(HeldListener.class)
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=bash",
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.command[2]=" + read)
			.run((context) -> {
				HeldListener listener = context.getBean(HeldListener.class);
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PluginSupervisor plugin = registry.getRequiredChannel("calc").getPlugin();
				assertThat(listener.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
				CompletableFuture<String> request = context.getBean(PipeRequestOperations.class)
					.sendAndReceiveAsync("calc", "last", WAIT);
				await().atMost(WAIT).until(() -> Files.exists(read));
				Thread stopping = new Thread(() -> registry.stop("calc"), "test-stop");
				stopping.start();
				// It answered and exited, and the channel saw it exit, while its answer
				// still waits behind the held listener: the stop's drain reads it.
				await().atMost(WAIT).until(() -> plugin.getLastExitCode() != null);
				listener.release.countDown();
				stopping.join(WAIT.toMillis());
				assertThat(request).succeedsWithin(WAIT).isEqualTo("last answered at stop");
				assertThat(registry.getRequiredChannel("calc").getStatistics().getDroppedTotal()).isZero();
			});
	}

	@Test
	void aPluginThatDiesWithoutAnsweringFailsItsRequestWithoutWaitingForItsOutput(CapturedOutput output)
			throws Exception {
		Path script = this.directory.resolve("dies.py");
		Files.writeString(script, "import sys\nsys.stdin.readline()\nsys.exit(3)\n");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=" + Python.interpreter(),
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.backoff.initial=100ms")
			.run((context) -> {
				PluginSupervisor plugin = context.getBean(PipeChannelRegistry.class)
					.getRequiredChannel("calc")
					.getPlugin();
				await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
				CompletableFuture<String> request = context.getBean(PipeRequestOperations.class)
					.sendAndReceiveAsync("calc", "crash", WAIT);
				assertThat(request).failsWithin(WAIT)
					.withThrowableThat()
					.withRootCauseInstanceOf(PipeRequestException.class)
					.withMessageContaining("restarted");
				// Its departure was seen: the exit did not give up waiting for it.
				assertThat(output).doesNotContain(GAVE_UP);
			});
	}

	@Test
	void aPluginThatDiesWithoutWritingOnAChannelThatStartedPausedIsSeenGone(CapturedOutput output) throws Exception {
		Path script = this.directory.resolve("dies.py");
		Files.writeString(script, "import sys\nsys.stdin.readline()\nsys.exit(3)\n");
		// The threads engine's reader, held back by the pause, reads first once the
		// plug-in holds the pipe: that read cannot tell that a writer came.
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=" + Python.interpreter(),
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.backoff.initial=100ms", "pipe-io.engine=threads")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannel channel = registry.getRequiredChannel("calc");
				PluginSupervisor plugin = channel.getPlugin();
				await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
				registry.pause("calc");
				channel.stop(WAIT);
				channel.start();
				assertThat(channel.isPaused()).isTrue();
				await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
				registry.resume("calc");
				long before = channel.server().getClientDepartures();
				assertThat(context.getBean(PipeRequestOperations.class).sendAndReceiveAsync("calc", "crash", WAIT))
					.failsWithin(WAIT);
				// The exit need not wait for the departure (its mark, with nothing
				// written, is reached at once), so it may be counted a moment after the
				// request failed; without the pipe's witness it never is.
				await().atMost(WAIT).until(() -> channel.server().getClientDepartures() > before);
				assertThat(output).doesNotContain(GAVE_UP);
			});
	}

	@Test
	void aPausedChannelDoesNotHoldUpTheRestartOfItsPlugin(CapturedOutput output) throws Exception {
		Path script = this.directory.resolve("answers-then-dies.sh");
		Files.writeString(script, "read -r line\necho \"$line\"\nexit 3\n");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=bash",
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.backoff.initial=100ms")
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
				PluginSupervisor plugin = channel.getPlugin();
				await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
				channel.pause();
				CompletableFuture<String> request = context.getBean(PipeRequestOperations.class)
					.sendAndReceiveAsync("calc", "answered while paused", WAIT);
				assertThat(request).failsWithin(WAIT)
					.withThrowableThat()
					.withRootCauseInstanceOf(PipeRequestException.class)
					.withMessageContaining("restarted");
				assertThat(output).contains(GAVE_UP + " (the channel is paused)");
			});
	}

	@Test
	void theAnswersOfAnInstanceReachTheirRequestsAlsoWhenTheExitBeforeWasSeenLate() throws Exception {
		// The first instance greets and exits at once; the second greets, answers one
		// request and dies; later ones answer every request.
		Path script = this.directory.resolve("counts-instances.py");
		Files.writeString(script, """
				import os, sys
				counter = sys.argv[1]
				n = int(open(counter).read()) + 1 if os.path.exists(counter) else 1
				open(counter, "w").write(str(n))
				print("hello " + str(n), flush=True)
				if n == 1:
				    sys.exit(3)
				for line in sys.stdin:
				    print(line.strip() + " from " + str(os.getpid()), flush=True)
				    if n == 2:
				        sys.exit(3)
				""");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withUserConfiguration(HeldGreetings.class)
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=" + Python.interpreter(),
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.command[2]=" + this.directory.resolve("count"),
					"pipe-io.channels.calc.plugin.backoff.initial=3s")
			.run((context) -> {
				HeldGreetings held = context.getBean(HeldGreetings.class);
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
				PluginSupervisor plugin = channel.getPlugin();
				// The first instance's exit is handled while its greeting holds the
				// reader up: its departure is counted later, during the back-off.
				assertThat(held.first.entered.await(30, TimeUnit.SECONDS)).isTrue();
				assertThat(held.exited.await(30, TimeUnit.SECONDS)).isTrue();
				long before = channel.server().getClientDepartures();
				held.first.release.countDown();
				await().atMost(WAIT).until(() -> channel.server().getClientDepartures() == before + 1);
				assertThat(held.second.entered.await(30, TimeUnit.SECONDS)).isTrue();
				long pid = plugin.getPid();
				CompletableFuture<String> first = context.getBean(PipeRequestOperations.class)
					.sendAndReceiveAsync("calc", "first", WAIT);
				await().atMost(WAIT)
					.pollInterval(Duration.ofMillis(10))
					.until(() -> plugin.getState() != PluginState.RUNNING);
				held.second.release.countDown();
				assertThat(first).succeedsWithin(WAIT).isEqualTo("first from " + pid);
			});
	}

	@Test
	void anAnswerADeadInstanceLeftWhilePausedAnswersNoRequestOfTheNextInstance() throws Exception {
		runPausedExit("read -r line\necho \"$line from first\"\nexit 3\n", (channel) -> {
			// read after the resume, the first instance's answer went to its failed
			// request
			assertThat(channel.getStatistics().getDropped(DropReason.LATE_ANSWER)).isEqualTo(1);
			assertThat(channel.getStatistics().getDropped(DropReason.INCOMPLETE)).isZero();
		});
	}

	@Test
	void aLineADeadInstanceLeftHalfWrittenWhilePausedIsNotGluedToTheNextInstancesAnswer() throws Exception {
		runPausedExit("read -r line\nprintf half\nexit 3\n", (channel) -> {
			assertThat(channel.getStatistics().getDropped(DropReason.INCOMPLETE)).isEqualTo(1);
			assertThat(channel.getStatistics().getDropped(DropReason.LATE_ANSWER)).isZero();
		});
	}

	/**
	 * The first instance answers its one request (or starts to) as {@code firstInstance}
	 * says, and exits, while the channel is paused; the next one answers every request.
	 * Sent after the restart and before the resume, the next request gets the next
	 * instance's answer.
	 */
	private void runPausedExit(String firstInstance, Consumer<PipeChannel> check) throws Exception {
		runPaused(firstInstance, (channel, requests, plugin, first) -> {
			failsAsRestartedThenTheNextInstanceRuns(requests.sendAndReceiveAsync("calc", "one", WAIT), plugin, first);
			CompletableFuture<String> two = requests.sendAndReceiveAsync("calc", "two", WAIT);
			channel.resume();
			assertThat(two).succeedsWithin(WAIT).isEqualTo("two from next");
			assertThat(requests.sendAndReceive("calc", "three", WAIT)).isEqualTo("three from next");
			check.accept(channel);
		});
	}

	/**
	 * A caller told of the failure on the thread that fails it (a callback that is not
	 * async) sends again at once: that request is the next instance's, and the answer the
	 * dead one left unread is not its answer.
	 */
	@Test
	void aRequestSentAgainWhenItsFailureIsToldGetsTheNextInstancesAnswer() throws Exception {
		runPaused("read -r line\necho \"$line from first\"\nexit 3\n", (channel, requests, plugin, first) -> {
			CompletableFuture<CompletableFuture<String>> again = new CompletableFuture<>();
			CompletableFuture<String> one = requests.sendAndReceiveAsync("calc", "one", WAIT);
			one.whenComplete((answer, failure) -> again
				.complete((failure != null) ? requests.sendAndReceiveAsync("calc", "again", WAIT)
						: CompletableFuture.completedFuture("answered: " + answer)));
			failsAsRestartedThenTheNextInstanceRuns(one, plugin, first);
			channel.resume();
			assertThat(again).succeedsWithin(WAIT)
				.satisfies((request) -> assertThat(request).succeedsWithin(WAIT).isEqualTo("again from next"));
			assertThat(channel.getStatistics().getDropped(DropReason.LATE_ANSWER)).isEqualTo(1);
		});
	}

	/**
	 * Run a channel whose plug-in's first instance does what {@code firstInstance} says
	 * (then exits) and whose next instance answers every line; {@code paused} gets the
	 * channel paused once the first instance runs.
	 */
	private void runPaused(String firstInstance, PausedPlugin paused) throws Exception {
		Path script = this.directory.resolve("first-dies.sh");
		Files.writeString(script, "if [ ! -e \"$1\" ]; then\n: > \"$1\"\n" + firstInstance
				+ "fi\nwhile read -r line; do echo \"$line from next\"; done\n");
		bashPlugin(script, "died-once").run((context) -> {
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			PluginSupervisor plugin = channel.getPlugin();
			long first = pauseOnceRunning(channel, plugin);
			paused.run(channel, requests, plugin, first);
		});
	}

	@FunctionalInterface
	private interface PausedPlugin {

		void run(PipeChannel channel, PipeRequestOperations requests, PluginSupervisor plugin, long firstPid)
				throws Exception;

	}

	private static void failsAsRestartedThenTheNextInstanceRuns(CompletableFuture<String> request,
			PluginSupervisor plugin, long firstPid) {
		assertThat(request).failsWithin(WAIT)
			.withThrowableThat()
			.withRootCauseInstanceOf(PipeRequestException.class)
			.withMessageContaining("restarted");
		await().atMost(WAIT)
			.until(() -> plugin.getState() == PluginState.RUNNING && plugin.getPid() != null
					&& plugin.getPid() != firstPid);
	}

	@Test
	void answersReadAfterTheExitGaveUpWaitingForThemAnswerNoRequestOfTheNextInstance() throws Exception {
		// The first instance greets (a line for the listener, which holds the channel's
		// reading up past the exit's wait), answers one request and dies.
		Path script = this.directory.resolve("answers-then-dies.sh");
		Files.writeString(script, """
				if [ ! -e "$1" ]; then
				: > "$1"
				echo hello
				read -r line
				echo "$line from first"
				exit 3
				fi
				while read -r line; do echo "$line from next"; done
				""");
		bashPlugin(script, "died-once").withUserConfiguration(HeldListener.class).run((context) -> {
			HeldListener listener = context.getBean(HeldListener.class);
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
			PluginSupervisor plugin = channel.getPlugin();
			assertThat(listener.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			long first = plugin.getPid();
			// Its answer waits behind the held listener for longer than the exit
			// waits.
			failsAsRestartedThenTheNextInstanceRuns(requests.sendAndReceiveAsync("calc", "one", WAIT), plugin, first);
			CompletableFuture<String> two = requests.sendAndReceiveAsync("calc", "two", WAIT);
			listener.release.countDown();
			assertThat(two).succeedsWithin(WAIT).isEqualTo("two from next");
			assertThat(channel.getStatistics().getDropped(DropReason.LATE_ANSWER)).isEqualTo(1);
			assertThat(listener.received).containsExactly("hello");
		});
	}

	@Test
	void aCrashLoopWhilePausedCountsEveryDeadInstancesAnswersAsLateAnswers() throws Exception {
		runPausedCrashLoop(ANSWERS_AND_DIES, true, true, 2, List.of());
	}

	@Test
	void aCrashLoopWhilePausedCountsEveryDeadInstancesAnswersAsLateAnswersAlsoWithNoRequestSentBeforeTheResume()
			throws Exception {
		runPausedCrashLoop(ANSWERS_AND_DIES, true, false, 2, List.of());
	}

	@Test
	void aCrashLoopWhilePausedWhoseFirstInstanceDiesWithoutAnsweringCountsTheSecondOnesAnswerAsLate() throws Exception {
		runPausedCrashLoop("read -r line\nexit 3\n", true, true, 1, List.of());
	}

	/**
	 * The first instance dies with no request waiting, after a line that is no answer:
	 * that line is the listener's, and the second instance's answer is the late answer of
	 * the request it failed with.
	 */
	@Test
	void aCrashLoopWhilePausedWhoseFirstInstanceDiesWithNoRequestWaitingGivesItsLineToTheListener() throws Exception {
		runPausedCrashLoop("read -r line\necho \"$line from 1\"\nexit 3\n", false, true, 1, List.of("go from 1"));
	}

	@Test
	void aCrashLoopWhilePausedWhoseFirstInstanceDiesSilentlyWithNoRequestWaitingCountsTheSecondOnesAnswerAsLate()
			throws Exception {
		runPausedCrashLoop("read -r line\nexit 3\n", false, true, 1, List.of());
	}

	/**
	 * A context whose channel {@code calc} runs a bash script as its plug-in, restarted
	 * after 100 ms, with a file of its own to count its instances in.
	 */
	private ApplicationContextRunner bashPlugin(Path script, String stateFile) {
		return PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=bash",
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.command[2]=" + this.directory.resolve(stateFile),
					"pipe-io.channels.calc.plugin.backoff.initial=100ms");
	}

	/**
	 * A crash loop while the channel is paused: the first instance does what
	 * {@code firstInstance} says with the one line it is sent (a request, or a plain
	 * line, so that no request waits when it exits) and exits; the second answers its one
	 * request and exits; the third and later ones answer every request. Both dead
	 * instances' requests fail as restarted, their answers, read after the resume, are
	 * late answers, and the third instance's requests get its answers.
	 * @param firstInstance what the first instance does before it exits
	 * @param firstGetsARequest whether the first instance's line is a request
	 * @param sendWhilePaused whether the third instance gets a request before the resume
	 * @param late how many late answers the dead instances left
	 * @param listened the lines the listener gets
	 */
	private void runPausedCrashLoop(String firstInstance, boolean firstGetsARequest, boolean sendWhilePaused, long late,
			List<String> listened) throws Exception {
		Path script = this.directory.resolve("crash-loop.sh");
		Files.writeString(script, """
				n=$(( $(cat "$1" 2>/dev/null || echo 0) + 1 ))
				echo "$n" > "$1"
				if [ "$n" = 1 ]; then
				%s
				fi
				if [ "$n" = 2 ]; then
				%s
				fi
				while read -r line; do echo "$line from $n"; done
				""".formatted(firstInstance, ANSWERS_AND_DIES));
		bashPlugin(script, "instances").withUserConfiguration(RecordingListener.class).run((context) -> {
			RecordingListener listener = context.getBean(RecordingListener.class);
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			PluginSupervisor plugin = channel.getPlugin();
			long first = pauseOnceRunning(channel, plugin);
			if (firstGetsARequest) {
				failsAsRestartedThenTheNextInstanceRuns(requests.sendAndReceiveAsync("calc", "one", WAIT), plugin,
						first);
			}
			else {
				// no request waits when it exits
				context.getBean(PipeOperations.class).send("calc", "go");
				await().atMost(WAIT)
					.until(() -> plugin.getState() == PluginState.RUNNING && plugin.getPid() != null
							&& plugin.getPid() != first);
			}
			long second = plugin.getPid();
			failsAsRestartedThenTheNextInstanceRuns(requests.sendAndReceiveAsync("calc", "two", WAIT), plugin, second);
			CompletableFuture<String> three = sendWhilePaused ? requests.sendAndReceiveAsync("calc", "three", WAIT)
					: null;
			channel.resume();
			if (three != null) {
				assertThat(three).succeedsWithin(WAIT).isEqualTo("three from 3");
			}
			else {
				await().atMost(WAIT).until(() -> channel.getStatistics().getDropped(DropReason.LATE_ANSWER) == late);
			}
			assertThat(requests.sendAndReceive("calc", "four", WAIT)).isEqualTo("four from 3");
			assertThat(channel.getStatistics().getDropped(DropReason.LATE_ANSWER)).isEqualTo(late);
			assertThat(channel.getStatistics().getDropped(DropReason.INCOMPLETE)).isZero();
			assertThat(listener.received).containsExactlyElementsOf(listened);
		});
	}

	/**
	 * Wait for the plug-in's first instance to run, then pause its channel.
	 * @return the first instance's pid
	 */
	private static long pauseOnceRunning(PipeChannel channel, PluginSupervisor plugin) {
		await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
		long first = plugin.getPid();
		channel.pause();
		return first;
	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingListener {

		final List<String> received = new CopyOnWriteArrayList<>();

		@PipeListener("calc")
		void onLine(String line) {
			this.received.add(line);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HeldGreetings {

		final Latches first = new Latches();

		final Latches second = new Latches();

		final CountDownLatch exited = new CountDownLatch(1);

		@PipeListener("calc")
		void onLine(String line) throws InterruptedException {
			Latches latches = line.equals("hello 1") ? this.first : line.equals("hello 2") ? this.second : null;
			if (latches != null) {
				latches.entered.countDown();
				latches.release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			}
		}

		@EventListener
		void onExit(PipePluginExitedEvent event) {
			this.exited.countDown();
		}

		record Latches(CountDownLatch entered, CountDownLatch release) {

			Latches() {
				this(new CountDownLatch(1), new CountDownLatch(1));
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HeldListener {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final List<String> received = new CopyOnWriteArrayList<>();

		@PipeListener("calc")
		void onLine(String line) throws InterruptedException {
			this.received.add(line);
			this.entered.countDown();
			this.release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
		}

	}

}
