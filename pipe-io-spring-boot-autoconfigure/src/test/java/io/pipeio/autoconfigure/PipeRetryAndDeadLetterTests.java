package io.pipeio.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.MeterRegistry;
import io.pipeio.annotation.PipeListener;
import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.server.ChannelStatistics;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener called again with a line it failed on ({@code retry.*}), and every dropped
 * line in the dead-letter file ({@code dead-letter.*}), over real FIFOs.
 */
@Timeout(60)
class PipeRetryAndDeadLetterTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withMetrics(this.directory.resolve("pipes"))
			.withUserConfiguration(Listeners.class)
			.withPropertyValues(
					"pipe-io.channel-defaults.dead-letter.file=" + this.directory.resolve("letters/{channel}.jsonl"),
					"pipe-io.channels.flaky.retry.max-attempts=3", "pipe-io.channels.flaky.retry.initial-interval=10ms",
					"pipe-io.channels.quiet.auto-startup=true");
	}

	@Test
	void aLineIsCalledAgainUntilTheListenerSucceedsAndTheLinesBehindItKeepTheirOrder() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			try (PipeTestClient client = PipeTestClient.connect(pipes(), "flaky")) {
				client.send("fail-twice");
				client.send("next");
				assertThat(client.receive()).isEqualTo("fail-twice after 3 calls");
				assertThat(client.receive()).isEqualTo("next after 1 calls");
			}
			ChannelStatistics statistics = statistics(context, "flaky");
			assertThat(statistics.getRetries()).isEqualTo(2);
			assertThat(statistics.getDroppedTotal()).isZero();
			assertThat(this.directory.resolve("letters/flaky.jsonl")).isEmptyFile();
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("pipeio.messages.retried").tag("channel", "flaky").functionCounter().count())
				.isEqualTo(2);
			// A channel without retries has no counter of them; every channel here keeps
			// dead letters.
			assertThat(meters.find("pipeio.messages.retried").tag("channel", "quiet").meters()).isEmpty();
			assertThat(meters.find("pipeio.messages.dead-lettered").tag("channel", "quiet").meters()).hasSize(1);
		});
	}

	@Test
	void aLineFailingEveryAttemptIsDroppedOnceAndDeadLettered() {
		runner().run((context) -> {
			try (PipeTestClient client = PipeTestClient.connect(pipes(), "flaky")) {
				client.send("always");
				client.send("next");
				assertThat(client.receive()).isEqualTo("next after 1 calls");
			}
			assertThat(context.getBean(Listeners.class).calls("always")).isEqualTo(3);
			ChannelStatistics statistics = statistics(context, "flaky");
			await().untilAsserted(() -> assertThat(statistics.getDeadLettered()).isEqualTo(1));
			assertThat(statistics.getDropped(DropReason.HANDLER_ERROR)).isEqualTo(1);
			assertThat(statistics.getRetries()).isEqualTo(2);
			JsonNode letter = single(this.directory.resolve("letters/flaky.jsonl"));
			assertThat(letter.path("channel").asString()).isEqualTo("flaky");
			assertThat(letter.path("reason").asString()).isEqualTo("handler-error");
			assertThat(letter.path("attempts").asInt()).isEqualTo(3);
			assertThat(letter.path("exception").asString()).isEqualTo(IllegalStateException.class.getName());
			assertThat(letter.path("message").asString()).isEqualTo("always fails");
			assertThat(letter.path("line").asString()).isEqualTo("always");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("pipeio.messages.dead-lettered").tag("channel", "flaky").functionCounter().count())
				.isEqualTo(1);
			assertThat(meters.get("pipeio.dead-letter.failures").tag("channel", "flaky").functionCounter().count())
				.isZero();
		});
	}

	@Test
	void aListenerThatLeavesTheInterruptFlagSetIsRetriedAndTheFileKeepsWorking() {
		runner().run((context) -> {
			try (PipeTestClient client = PipeTestClient.connect(pipes(), "flaky")) {
				client.send("interrupted");
				client.send("always");
				client.send("next");
				assertThat(client.receive()).isEqualTo("next after 1 calls");
			}
			assertThat(context.getBean(Listeners.class).calls("interrupted")).isEqualTo(3);
			ChannelStatistics statistics = statistics(context, "flaky");
			await().untilAsserted(() -> assertThat(statistics.getDeadLettered()).isEqualTo(2));
			assertThat(statistics.getDeadLetterFailures()).isZero();
			assertThat(read(this.directory.resolve("letters/flaky.jsonl")))
				.extracting((letter) -> letter.path("line").asString())
				.containsExactly("interrupted", "always");
		});
	}

	@Test
	void aReplyThatCannotBeSentDoesNotCallTheListenerAgain() {
		// Nobody reads the out pipe: the first reply waits for a reader, the second fills
		// the queue of one, the next ones fail at once (overflow=fail).
		runner()
			// Nobody will read what is queued: the stop need not wait for it.
			.withPropertyValues("pipe-io.channels.flaky.overflow=fail", "pipe-io.channels.flaky.send-queue-capacity=1",
					"spring.lifecycle.timeout-per-shutdown-phase=1s")
			.run((context) -> {
				try (PipeTestClient sender = PipeTestClient.sender(pipes().resolve("flaky.in"))) {
					for (int i = 1; i <= 4; i++) {
						sender.send("big " + i);
					}
					ChannelStatistics statistics = statistics(context, "flaky");
					await().until(() -> statistics.getDropped(DropReason.QUEUE_FULL) >= 2);
				}
				// The replies were lost, not the lines: those are not dropped as well.
				assertThat(statistics(context, "flaky").getDropped(DropReason.HANDLER_ERROR)).isZero();
				Listeners listeners = context.getBean(Listeners.class);
				for (int i = 1; i <= 4; i++) {
					assertThat(listeners.calls("big " + i)).as("calls of line %d", i).isEqualTo(1);
				}
				assertThat(statistics(context, "flaky").getRetries()).isZero();
			});
	}

	@Test
	void outgoingLinesTheStopCouldNotWriteAreDeadLettered() throws Exception {
		AtomicReference<ChannelStatistics> quiet = new AtomicReference<>();
		// Nobody reads the out pipe: what it does not hold is still queued at the stop.
		runner().withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=1s").run((context) -> {
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("quiet");
			quiet.set(channel.getStatistics());
			for (int i = 0; i < 2000; i++) {
				channel.send(String.format("event %04d %s", i, "x".repeat(90)));
			}
		});
		// The writer the stop's deadline aborted counts the lines it held as it ends, on
		// a busy machine a moment after the context closed; the sent count comes first.
		await().atMost(Duration.ofSeconds(10)).until(() -> quiet.get().getDropped(DropReason.SHUTDOWN) == 2000);
		long dropped = 2000 - quiet.get().getSentMessages();
		assertThat(dropped).isPositive();
		// The lines the pipe took go with it (nobody reads it): counted as dropped too,
		// but no longer in hand to be kept.
		assertThat(quiet.get().getDropped(DropReason.SHUTDOWN)).isEqualTo(2000);
		// Counted as dropped at once, then written one by one: on a busy machine the
		// writing may outlast the stop's second.
		await().atMost(Duration.ofSeconds(10)).until(() -> quiet.get().getDeadLettered() == dropped);
		List<JsonNode> letters = read(this.directory.resolve("letters/quiet.jsonl"));
		assertThat(letters).hasSize((int) dropped)
			.allSatisfy((letter) -> assertThat(letter.path("reason").asString()).isEqualTo("shutdown"));
		assertThat(letters.get(letters.size() - 1).path("line").asString()).startsWith("event 1999 ");
		assertThat(quiet.get().getDeadLettered()).isEqualTo(dropped);
	}

	@Test
	void aLineThatCannotBeConvertedIsNotRetried() {
		runner().withPropertyValues("pipe-io.channels.json.retry.max-attempts=5").run((context) -> {
			try (PipeTestClient client = PipeTestClient.connect(pipes(), "json")) {
				client.send("{\"a\":\"not a number\"}");
				client.send("{\"a\":2}");
				assertThat(client.receive()).isEqualTo("2");
			}
			ChannelStatistics statistics = statistics(context, "json");
			await().untilAsserted(() -> assertThat(statistics.getDeadLettered()).isEqualTo(1));
			assertThat(statistics.getRetries()).isZero();
			JsonNode letter = single(this.directory.resolve("letters/json.jsonl"));
			assertThat(letter.path("reason").asString()).isEqualTo("malformed");
			assertThat(letter.path("attempts").asInt()).isEqualTo(1);
			assertThat(letter.path("line").asString()).isEqualTo("{\"a\":\"not a number\"}");
		});
	}

	@Test
	void everyKindOfDroppedLineIsDeadLettered() {
		runner().withPropertyValues("pipe-io.channels.flaky.max-message-size=16B").run((context) -> {
			try (PipeTestClient client = PipeTestClient.connect(pipes(), "flaky")) {
				client.send("x".repeat(40));
				client.send(new byte[] { 'o', 'k', (byte) 0xff });
				client.send("next");
				assertThat(client.receive()).isEqualTo("next after 1 calls");
			}
			try (PipeTestClient quiet = PipeTestClient.connect(pipes(), "quiet")) {
				quiet.send("nobody listens");
				await().until(() -> statistics(context, "quiet").getDeadLettered() == 1);
			}
			await().until(() -> statistics(context, "flaky").getDeadLettered() == 2);
			List<JsonNode> flaky = read(this.directory.resolve("letters/flaky.jsonl"));
			assertThat(flaky).extracting((letter) -> letter.path("reason").asString())
				.containsExactly("too-large", "malformed");
			assertThat(flaky.get(0).path("size").asLong()).isGreaterThanOrEqualTo(17);
			assertThat(flaky.get(0).has("line")).isFalse();
			assertThat(flaky.get(0).path("exception").asString()).isEqualTo(IllegalStateException.class.getName());
			assertThat(flaky.get(0).path("message").asString()).startsWith("A line of ")
				.endsWith(" bytes on channel 'flaky' is over its max-message-size (16B): it was skipped unread");
			assertThat(flaky.get(1).path("lineBase64").asString()).isEqualTo("b2v/");
			JsonNode quiet = single(this.directory.resolve("letters/quiet.jsonl"));
			assertThat(quiet.path("reason").asString()).isEqualTo("no-listener");
			assertThat(quiet.path("line").asString()).isEqualTo("nobody listens");
		});
	}

	@Test
	void aStopEndsTheWaitForARetryAtOnceAndTheLineIsDeadLettered() {
		// Were the wait not ended, the stop would last the shutdown timeout: far beyond
		// @Timeout.
		runner()
			.withPropertyValues("pipe-io.channels.flaky.retry.initial-interval=1h",
					"pipe-io.channels.flaky.retry.max-interval=1h", "spring.lifecycle.timeout-per-shutdown-phase=10m")
			.run((context) -> {
				try (PipeTestClient client = PipeTestClient.connect(pipes(), "flaky")) {
					client.send("always");
					Listeners listeners = context.getBean(Listeners.class);
					await().until(() -> listeners.calls("always") == 1);
					context.getBean(PipeChannelRegistry.class).stop();
				}
				assertThat(context.getBean(Listeners.class).calls("always")).isEqualTo(1);
				JsonNode letter = single(this.directory.resolve("letters/flaky.jsonl"));
				assertThat(letter.path("reason").asString()).isEqualTo("handler-error");
				assertThat(letter.path("attempts").asInt()).isEqualTo(1);
			});
	}

	@Test
	void badSettingsFailStartupNamingTheProperty() {
		runner()
			.withPropertyValues("pipe-io.channels.flaky.retry.max-attempts=0",
					"pipe-io.channel-defaults.retry.multiplier=0.5", "pipe-io.channels.json.dead-letter.max-history=-1")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
					.contains("pipe-io.channels.flaky.retry.max-attempts must be at least 1, got 0")
					.contains("pipe-io.channel-defaults.retry.multiplier must be at least 1, got 0.5")
					.contains("pipe-io.channels.json.dead-letter.max-history must not be negative, got -1");
			});
		runner()
			.withPropertyValues("pipe-io.channels.json.dead-letter.file=" + this.directory.resolve("shared.jsonl"),
					"pipe-io.channels.flaky.dead-letter.file=" + this.directory.resolve("shared.jsonl"),
					"pipe-io.channels.flaky.dead-letter.max-file-size=1KB")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
					.contains("dead-letter.file is also the dead-letter file of channel");
			});
	}

	/**
	 * Rotated files are named {@code <file>.1} to {@code <file>.<max-history>}: a name
	 * without room for that within the 255 bytes of a file name would fail every
	 * rotation, so it fails the start, for a configured channel and for one only a
	 * listener declares, whose name {@code {channel}} stands for.
	 */
	@Test
	void aDeadLetterFileNameWithoutRoomForItsHistoryFailsStartupNamingTheProperties() {
		Path tooLong = this.directory.resolve("letters/" + "x".repeat(248) + ".jsonl");
		runner().withPropertyValues("pipe-io.channels.flaky.dead-letter.file=" + tooLong).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
				.contains("pipe-io.channels.flaky.dead-letter.file gives channel 'flaky' the dead-letter file "
						+ tooLong + ", whose name has 254 bytes, more than the 253 it may have")
				.contains("shorten the file name to at most 253 bytes, or set"
						+ " pipe-io.channel-defaults.dead-letter.max-history to 0");
		});
		runner()
			.withPropertyValues(
					"pipe-io.channel-defaults.dead-letter.file="
							+ this.directory.resolve("letters/" + "x".repeat(243) + "-{channel}.jsonl"),
					"pipe-io.channels.flaky.dead-letter.file=" + this.directory.resolve("letters/flaky.jsonl"),
					"pipe-io.channels.quiet.dead-letter.file=" + this.directory.resolve("letters/quiet.jsonl"))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining(
							"pipe-io.channel-defaults.dead-letter.file gives channel 'json' the" + " dead-letter file")
					.hasStackTraceContaining("whose name has 254 bytes, more than the 253 it may have");
			});
	}

	/**
	 * A path the file system cannot take (a NUL, which ends a name for the kernel) fails
	 * the start naming the property, for a configured channel and for one only a listener
	 * declares.
	 */
	@Test
	void aDeadLetterFileThatIsNoValidPathFailsStartupNamingTheProperty() {
		String invalid = this.directory.resolve("letters") + "/flaky\u0000.jsonl";
		runner().withPropertyValues("pipe-io.channels.flaky.dead-letter.file=" + invalid).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
				.contains("pipe-io.channels.flaky.dead-letter.file '" + this.directory.resolve("letters")
						+ "/flaky\\u0000.jsonl' is not a path the file system can take")
				.contains("remove that character");
		});
		runner()
			.withPropertyValues(
					"pipe-io.channel-defaults.dead-letter.file=" + this.directory.resolve("letters")
							+ "/\u0000{channel}.jsonl",
					"pipe-io.channels.flaky.dead-letter.file=" + this.directory.resolve("letters/flaky.jsonl"))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
					.contains("pipe-io.channel-defaults.dead-letter.file gives channel 'quiet' the dead-letter file '"
							+ this.directory.resolve("letters") + "/\\u0000quiet.jsonl', which is not a path")
					.doesNotContain("gives channel 'flaky'");
			});
		runner()
			.withPropertyValues(
					"pipe-io.channel-defaults.dead-letter.file=" + this.directory.resolve("letters")
							+ "/\u0000{channel}.jsonl",
					"pipe-io.channels.flaky.dead-letter.file=" + this.directory.resolve("letters/flaky.jsonl"),
					"pipe-io.channels.quiet.dead-letter.file=" + this.directory.resolve("letters/quiet.jsonl"))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("pipe-io.channel-defaults.dead-letter.file gives channel 'json' the"
							+ " dead-letter file '" + this.directory.resolve("letters") + "/\\u0000json.jsonl'")
					.hasStackTraceContaining("remove that character");
			});
	}

	/**
	 * The largest max-history a user may give, to keep every rotated file: rotation costs
	 * what the files there cost, not what the history could hold.
	 */
	@Test
	void theLargestMaxHistoryRotatesTheFileAndKeepsEveryDeadLetter() {
		runner()
			.withPropertyValues("pipe-io.channels.quiet.dead-letter.max-history=" + Integer.MAX_VALUE,
					"pipe-io.channels.quiet.dead-letter.max-file-size=1B")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (PipeTestClient quiet = PipeTestClient.connect(pipes(), "quiet")) {
					for (int i = 0; i < 3; i++) {
						quiet.send("nobody listens " + i);
					}
					// Each record is larger than the file may grow: each is a file.
					await().until(() -> statistics(context, "quiet").getDeadLettered() == 3);
				}
				assertThat(statistics(context, "quiet").getDeadLetterFailures()).isZero();
				Path file = this.directory.resolve("letters/quiet.jsonl");
				assertThat(single(file).path("line").asString()).isEqualTo("nobody listens 2");
				assertThat(single(Path.of(file + ".1")).path("line").asString()).isEqualTo("nobody listens 1");
				assertThat(single(Path.of(file + ".2")).path("line").asString()).isEqualTo("nobody listens 0");
			});
	}

	@Test
	void anEmptyFileTurnsTheDefaultDeadLetterFileOffForOneChannel() {
		runner().withPropertyValues("pipe-io.channels.json.dead-letter.file=").run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			assertThat(registry.getRequiredChannel("json").getSettings().deadLetter()).isNull();
			assertThat(registry.getRequiredChannel("flaky").getSettings().deadLetter()).isNotNull();
		});
	}

	@Test
	void aMisspelledKeyFailsStartupWithTheValidOnes() {
		runner().withPropertyValues("pipe-io.channels.flaky.retry.max-atempts=3").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
				.contains("pipe-io.channels.flaky.retry.max-atempts")
				.contains("did you mean pipe-io.channels.<name>.retry.max-attempts?");
		});
	}

	@Test
	void aChannelsOwnRetryKeyWinsOverTheDefaultsAndTheOthersAreInherited() {
		runner()
			.withPropertyValues("pipe-io.channel-defaults.retry.max-attempts=4",
					"pipe-io.channel-defaults.retry.max-interval=7s")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				assertThat(registry.getRequiredChannel("flaky").getSettings().retry().maxAttempts()).isEqualTo(3);
				assertThat(registry.getRequiredChannel("flaky").getSettings().retry().maxInterval()).hasSeconds(7);
				assertThat(registry.getRequiredChannel("json").getSettings().retry().maxAttempts()).isEqualTo(4);
			});
	}

	@Test
	void aDeadLetterFileThatCannotBeWrittenFailsTheStartNamingIt() throws Exception {
		Path taken = Files.createDirectories(this.directory.resolve("taken.jsonl"));
		runner().withPropertyValues("pipe-io.channels.flaky.dead-letter.file=" + taken).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("not a regular file");
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Channel 'flaky' cannot write dead letters to " + taken);
		});
	}

	@Test
	void aDeadLetterFileWhoseDirectoryCannotBeCreatedFailsTheStartSayingWhyAndWhatToSet() {
		// /proc takes no new directory, not even from root
		runner().withPropertyValues("pipe-io.channels.flaky.dead-letter.file=/proc/no-such-dir/letters.jsonl")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining(
							"Channel 'flaky' cannot write dead letters to /proc/no-such-dir/letters.jsonl:"
									+ " /proc/no-such-dir does not exist")
					.hasStackTraceContaining("set pipe-io.channels.flaky.dead-letter.file");
			});
	}

	private Path pipes() {
		return this.directory.resolve("pipes");
	}

	private static ChannelStatistics statistics(org.springframework.context.ApplicationContext context, String name) {
		PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel(name);
		return channel.getStatistics();
	}

	private static List<JsonNode> read(Path file) throws Exception {
		return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(json::readTree).toList();
	}

	private static JsonNode single(Path file) throws Exception {
		List<JsonNode> letters = read(file);
		assertThat(letters).hasSize(1);
		return letters.get(0);
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

		int calls(String line) {
			AtomicInteger count = this.calls.get(line);
			return (count != null) ? count.get() : 0;
		}

		@PipeListener("flaky")
		String flaky(String line) {
			int call = this.calls.computeIfAbsent(line, (key) -> new AtomicInteger()).incrementAndGet();
			if (line.equals("interrupted")) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("failed with the interrupt flag set");
			}
			if (line.startsWith("big")) {
				return "x".repeat(100_000);
			}
			if (line.equals("always") || (line.equals("fail-twice") && call <= 2)) {
				throw new IllegalStateException(line.equals("always") ? "always fails" : "call " + call + " failed");
			}
			return line + " after " + call + " calls";
		}

		@PipeListener("json")
		String json(Amount amount) {
			return String.valueOf(amount.a());
		}

	}

	/** A JSON payload. */
	public record Amount(int a) {

	}

}
