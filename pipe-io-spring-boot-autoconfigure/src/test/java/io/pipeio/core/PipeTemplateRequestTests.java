package io.pipeio.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.pipeio.annotation.PipeListener;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeSendException;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.Python;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * {@link PipeRequestOperations} against a real Python process that reads the channel's
 * out pipe as its stdin and writes the in pipe as its stdout, like a plug-in.
 */
@Timeout(120)
class PipeTemplateRequestTests {

	/**
	 * Upper-cases each line; {@code hold} is not answered until {@code release};
	 * {@code emit} adds an event.
	 */
	private static final String PLUGIN = String.join("\n", "import sys, json", "held = []", "for line in sys.stdin:",
			"    line = line.rstrip('\\n')", "    if line == 'hold':", "        held.append(line)", "        continue",
			"    if line == 'release':", "        for h in held:", "            sys.stdout.write('late-' + h + '\\n')",
			"        held = []", "    if line.startswith('{'):",
			"        sys.stdout.write(json.dumps({'echo': json.loads(line)}) + '\\n')", "    else:",
			"        sys.stdout.write(line.upper() + '\\n')", "    if line == 'emit':",
			"        sys.stdout.write('event\\n')", "    sys.stdout.flush()");

	@TempDir
	Path directory;

	private final List<Process> processes = new CopyOnWriteArrayList<>();

	@AfterEach
	void killPlugins() throws InterruptedException {
		for (Process process : this.processes) {
			process.destroyForcibly();
			assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
		}
	}

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.calc.max-message-size=1KB");
	}

	private PipeRequestOperations startPlugin(org.springframework.context.ApplicationContext context) throws Exception {
		context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
		Process process = new ProcessBuilder(Python.interpreter(), "-c", PLUGIN)
			.redirectInput(this.directory.resolve("calc.out").toFile())
			.redirectOutput(this.directory.resolve("calc.in").toFile())
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		this.processes.add(process);
		return context.getBean(PipeRequestOperations.class);
	}

	@Test
	void textBytesAndJsonAnswers() {
		runner().run((context) -> {
			PipeRequestOperations requests = startPlugin(context);
			assertThat(requests.sendAndReceive("calc", "hello")).isEqualTo("HELLO");
			assertThat(
					requests.sendAndReceive("calc", "bytes".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(20)))
				.containsExactly("BYTES".getBytes(StandardCharsets.UTF_8));
			Echo echo = requests.convertSendAndReceive("calc", Map.of("k", "v"), Echo.class);
			assertThat(echo.echo()).containsEntry("k", "v");
			// a generic answer: the records inside are records, not maps
			Map<String, Map<String, Size>> sized = requests.convertSendAndReceive("calc", Map.of("a", new Size(1, 2)),
					new ParameterizedTypeReference<Map<String, Map<String, Size>>>() {
					}, Duration.ofSeconds(20));
			assertThat(sized.get("echo")).containsExactly(entry("a", new Size(1, 2)));
			assertThat(requests.convertSendAndReceive("calc", "text", new ParameterizedTypeReference<String>() {
			})).isEqualTo("TEXT");
			assertThat(requests.sendAndReceiveAsync("calc", "async", Duration.ofSeconds(20)).get(20, TimeUnit.SECONDS))
				.isEqualTo("ASYNC");
			assertThat(requests.sendAndReceiveAsync("calc", "default").get(20, TimeUnit.SECONDS)).isEqualTo("DEFAULT");
			assertThat(requests.sendAndReceiveAsync("calc", "raw".getBytes(StandardCharsets.UTF_8))
				.get(20, TimeUnit.SECONDS)).containsExactly("RAW".getBytes(StandardCharsets.UTF_8));
		});
	}

	@Test
	void everyCallerOf32ThreadsGetsTheAnswerToItsOwnRequest() {
		runner().run((context) -> {
			PipeRequestOperations requests = startPlugin(context);
			ExecutorService threads = Executors.newFixedThreadPool(32);
			try {
				List<Future<Integer>> results = new java.util.ArrayList<>();
				for (int t = 0; t < 32; t++) {
					int thread = t;
					results.add(threads.submit(() -> {
						int checked = 0;
						for (int i = 0; i < 500; i++) {
							String payload = "t" + thread + "-call" + i;
							assertThat(requests.sendAndReceive("calc", payload, Duration.ofSeconds(60)))
								.isEqualTo(payload.toUpperCase());
							checked++;
						}
						return checked;
					}));
				}
				for (Future<Integer> result : results) {
					assertThat(result.get(100, TimeUnit.SECONDS)).isEqualTo(500);
				}
			}
			finally {
				threads.shutdownNow();
			}
		});
	}

	@Test
	void timedOutRequestKeepsItsPlaceSoItsLateAnswerIsDroppedAndCounted() {
		runner().withPropertyValues("pipe-io.channels.calc.dead-letter.file=" + this.directory.resolve("calc.jsonl"))
			.run((context) -> {
				PipeRequestOperations requests = startPlugin(context);
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
				assertThatExceptionOfType(PipeRequestException.class)
					.isThrownBy(() -> requests.sendAndReceive("calc", "hold", Duration.ofMillis(200)))
					.withMessageContaining("'calc'")
					.satisfies((ex) -> assertThat(ex.getOutcome()).isEqualTo(PipeRequestOutcome.TIMEOUT));
				assertThat(channel.requests.size()).isEqualTo(1);
				assertThat(requests.sendAndReceive("calc", "release")).isEqualTo("RELEASE");
				assertThat(channel.getStatistics().getDropped(DropReason.LATE_ANSWER)).isEqualTo(1);
				assertThat(channel.requests.size()).isZero();
				assertThat(Files.readString(this.directory.resolve("calc.jsonl")))
					.contains("\"reason\":\"late-answer\"", "\"line\":\"late-hold\"");
			});
	}

	@Test
	void anErrorHandlersReplyToALateAnswerIsNotSentWhereItWouldAnswerTheNextRequest() {
		PipeErrorHandler answeringErrorHandler = (failure, context) -> "error: " + failure.getReason().tag();
		runner().withBean("pipeErrorHandler", PipeErrorHandler.class, () -> answeringErrorHandler).run((context) -> {
			PipeRequestOperations requests = startPlugin(context);
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
			assertThatExceptionOfType(PipeRequestException.class)
				.isThrownBy(() -> requests.sendAndReceive("calc", "hold", Duration.ofMillis(200)));
			assertThat(requests.sendAndReceive("calc", "release")).isEqualTo("RELEASE");
			assertThat(channel.getStatistics().getDropped(DropReason.LATE_ANSWER)).isEqualTo(1);
			// The other end reads in order: a reply sent for the late answer would be
			// its next request, and its answer would answer this one.
			assertThat(requests.sendAndReceive("calc", "next")).isEqualTo("NEXT");
		});
	}

	@Test
	void aLineThatTookThePlaceOfARequestThatCouldNotBeSentIsCounted() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.calc.send-queue-capacity=1", "pipe-io.channels.calc.send-timeout=2s")
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				// The request's line waits for room.
				fillTheOutPipeAndTheQueue(channel);
				CompletableFuture<String> request = CompletableFuture
					.supplyAsync(() -> requests.sendAndReceive("calc", "request", Duration.ofSeconds(20)));
				await().atMost(Duration.ofSeconds(5)).until(() -> channel.requests.size() == 1);
				// A line arrives meanwhile, takes the request's place, and then the
				// request's line is refused.
				try (PipeTestClient writer = PipeTestClient.sender(this.directory.resolve("calc.in"))) {
					writer.send("event");
					assertThat(request).failsWithin(Duration.ofSeconds(20));
				}
				await().atMost(Duration.ofSeconds(5))
					.until(() -> channel.getStatistics().getDropped(DropReason.LATE_ANSWER) == 1);
				assertThat(channel.requests.size()).isZero();
				readTheOutPipe("queued");
			});
	}

	@Test
	void aRequestWaitingBehindAnotherForRoomIsInterruptedWhileTheOtherStillWaits() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.calc.send-queue-capacity=1", "pipe-io.channels.calc.send-timeout=60s")
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				fillTheOutPipeAndTheQueue(channel);
				// The first request waits for room, for up to a minute.
				CompletableFuture<String> first = CompletableFuture
					.supplyAsync(() -> requests.sendAndReceive("calc", "first", Duration.ofSeconds(20)));
				await().atMost(Duration.ofSeconds(5)).until(() -> channel.requests.size() == 1);
				AtomicReference<Throwable> failure = new AtomicReference<>();
				Thread second = new Thread(() -> failure
					.set(catchThrowable(() -> requests.sendAndReceive("calc", "second", Duration.ofSeconds(20)))));
				second.start();
				await().atMost(Duration.ofSeconds(5))
					.until(() -> EnumSet.of(Thread.State.BLOCKED, Thread.State.WAITING, Thread.State.TIMED_WAITING)
						.contains(second.getState()));
				second.interrupt();
				await().atMost(Duration.ofSeconds(10)).until(() -> !second.isAlive());
				assertThat(first).as("the first request still waits for room").isNotDone();
				assertThat(failure.get()).isInstanceOf(PipeSendException.class).hasMessageContaining("interrupted");
				assertThat(channel.requests.size()).isOne();
				try (PipeTestClient plugin = PipeTestClient.connect(this.directory, "calc")) {
					assertThat(plugin.receiveBytes()).hasSize(256 * 1024);
					assertThat(plugin.receive()).isEqualTo("queued");
					assertThat(plugin.receive()).isEqualTo("first");
					plugin.send("FIRST");
					assertThat(first).succeedsWithin(Duration.ofSeconds(20)).isEqualTo("FIRST");
				}
			});
	}

	@Test
	void anAnswerTooLargeForTheChannelFailsItsRequestAndTheNextRequestGetsItsOwn() {
		runner().run((context) -> {
			PipeRequestOperations requests = startPlugin(context);
			// upper-cased, the answer is as large as the request: over the 1KB limit
			assertThatExceptionOfType(PipeRequestException.class)
				.isThrownBy(() -> requests.sendAndReceive("calc", "x".repeat(2000), Duration.ofSeconds(10)))
				.withMessageContaining("over its max-message-size");
			assertThat(requests.sendAndReceive("calc", "after", Duration.ofSeconds(10))).isEqualTo("AFTER");
		});
	}

	@Test
	void aRequestWhoseLineIsDroppedFailsAndKeepsNoPlace() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.calc.send-queue-capacity=1",
					"pipe-io.channels.calc.overflow=drop-newest")
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				fillTheOutPipeAndTheQueue(channel);
				// drop-newest: the request's line is dropped at once
				assertThat(requests.sendAndReceiveAsync("calc", "request", Duration.ofSeconds(20))).isDone()
					.failsWithin(Duration.ZERO)
					.withThrowableOfType(ExecutionException.class)
					.havingCause()
					.isInstanceOf(PipeSendException.class);
				assertThatExceptionOfType(PipeSendException.class)
					.isThrownBy(() -> requests.sendAndReceive("calc", "request", Duration.ofSeconds(20)));
				assertThat(channel.requests.size()).isZero();
				assertThat(channel.getStatistics().getDropped(DropReason.QUEUE_FULL)).isEqualTo(2);
				readTheOutPipe("queued");
			});
	}

	@Test
	void aRequestWhoseQueuedLineIsDroppedLaterFailsAndKeepsNoPlace() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.calc.send-queue-capacity=1",
					"pipe-io.channels.calc.overflow=drop-oldest")
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				channel.send(new byte[256 * 1024]);
				await().atMost(Duration.ofSeconds(5)).until(() -> channel.getSendQueueSize() == 0);
				CompletableFuture<String> request = requests.sendAndReceiveAsync("calc", "request",
						Duration.ofSeconds(20));
				assertThat(channel.requests.size()).isOne();
				// drop-oldest: the request's line makes room for this one
				channel.send("newer");
				assertThat(request).failsWithin(Duration.ofSeconds(5))
					.withThrowableThat()
					.withRootCauseInstanceOf(PipeSendException.class);
				assertThat(channel.requests.size()).isZero();
				// so the next line the other end writes is no answer to it
				try (PipeTestClient writer = PipeTestClient.sender(this.directory.resolve("calc.in"))) {
					writer.send("event");
				}
				await().atMost(Duration.ofSeconds(5))
					.until(() -> channel.getStatistics().getDropped(DropReason.NO_LISTENER) == 1);
				readTheOutPipe("newer");
			});
	}

	/**
	 * Nobody reads: the writer blocks on a line larger than the pipe, one more fills the
	 * queue.
	 */
	private static void fillTheOutPipeAndTheQueue(PipeChannel channel) {
		channel.send(new byte[256 * 1024]);
		await().atMost(Duration.ofSeconds(5)).until(() -> channel.getSendQueueSize() == 0);
		channel.send("queued");
	}

	/** Read what waits, so that the stop need not wait for a reader. */
	private void readTheOutPipe(String last) {
		try (PipeTestClient reader = PipeTestClient.receiver(this.directory.resolve("calc.out"))) {
			assertThat(reader.receiveBytes()).hasSize(256 * 1024);
			assertThat(reader.receive()).isEqualTo(last);
		}
	}

	@Test
	void linesWithNoRequestWaitingGoToTheListener() {
		runner().withUserConfiguration(EventListener.class).run((context) -> {
			PipeRequestOperations requests = startPlugin(context);
			assertThat(requests.sendAndReceive("calc", "emit")).isEqualTo("EMIT");
			EventListener listener = context.getBean(EventListener.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> listener.lines.contains("event"));
			assertThat(listener.lines).containsExactly("event");
		});
	}

	@Test
	void linesWithNoRequestWaitingAndNoListenerAreDroppedAsNoListener() {
		runner().run((context) -> {
			PipeRequestOperations requests = startPlugin(context);
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
			assertThat(requests.sendAndReceive("calc", "emit")).isEqualTo("EMIT");
			await().atMost(Duration.ofSeconds(20))
				.until(() -> channel.getStatistics().getDropped(DropReason.NO_LISTENER) == 1);
		});
	}

	@Test
	void failingRequestsFailsEveryWaitingOneAtOnce() {
		runner().run((context) -> {
			PipeRequestOperations requests = startPlugin(context);
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
			List<CompletableFuture<String>> held = List.of(
					requests.sendAndReceiveAsync("calc", "hold", Duration.ofSeconds(60)),
					requests.sendAndReceiveAsync("calc", "hold", Duration.ofSeconds(60)));
			assertThat(channel.requests.failAll(PipeRequestOutcome.RESTARTED, "the plug-in restarted", () -> {
			})).isEqualTo(2);
			for (CompletableFuture<String> request : held) {
				assertThat(request).failsWithin(Duration.ofSeconds(5))
					.withThrowableOfType(java.util.concurrent.ExecutionException.class)
					.havingCause()
					.isInstanceOf(PipeRequestException.class)
					.withMessageContaining("the plug-in restarted");
			}
		});
	}

	@Test
	void observerIsToldOfEveryOutcome() {
		runner().run((context) -> {
			PipeRequestOperations requests = startPlugin(context);
			List<PipeRequestOutcome> outcomes = new CopyOnWriteArrayList<>();
			context.getBean(PipeTemplate.class)
				.setRequestObserver((channel, outcome, duration) -> outcomes.add(outcome));
			requests.sendAndReceive("calc", "one");
			assertThatExceptionOfType(PipeRequestException.class)
				.isThrownBy(() -> requests.sendAndReceive("calc", "hold", Duration.ofMillis(100)));
			await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 2);
			assertThat(outcomes).containsExactly(PipeRequestOutcome.SUCCESS, PipeRequestOutcome.TIMEOUT);
		});
	}

	/**
	 * A JSON answer.
	 *
	 * @param echo the request
	 */
	public record Echo(Map<String, String> echo) {
	}

	/**
	 * A JSON value inside a generic answer.
	 *
	 * @param width the width
	 * @param height the height
	 */
	public record Size(int width, int height) {
	}

	@Configuration(proxyBeanMethods = false)
	static class EventListener {

		final List<String> lines = new CopyOnWriteArrayList<>();

		@PipeListener("calc")
		void onEvent(String line) {
			this.lines.add(line);
		}

	}

}
