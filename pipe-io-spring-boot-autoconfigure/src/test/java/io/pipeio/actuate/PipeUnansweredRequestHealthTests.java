package io.pipeio.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeRequestException;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.core.PipeRequestOutcome;
import io.pipeio.plugin.PluginState;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.ChannelHealth;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.UpperCasePlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A request that timed out and is still unanswered shows in the channel's details, and
 * makes a plug-in's channel DOWN until an answer comes or the plug-in is restarted.
 */
@Timeout(120)
class PipeUnansweredRequestHealthTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Duration SHORT = Duration.ofMillis(300);

	@TempDir
	Path directory;

	@Test
	void aPluginThatSkipsAnAnswerIsDownUntilRestarted() throws Exception {
		// Answers every line in upper case, except "skip" (no answer at all) and "slow"
		// (answered once the test creates the release file).
		Path script = UpperCasePlugin.write(this.directory);
		Path release = UpperCasePlugin.release(this.directory);
		PipeIoContextRunners.withActuator(this.directory)
			.withPropertyValues("pipe-io.channels.upper.plugin.command=" + script,
					"management.endpoints.web.exposure.include=pipeio")
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("upper");
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				await().atMost(WAIT).until(() -> channel.getPlugin().getState() == PluginState.RUNNING);
				assertThat(requests.sendAndReceive("upper", "a", WAIT)).isEqualTo("A");
				assertUp(context);

				// Late: DOWN while its answer is missing, UP again once it came.
				Instant before = Instant.now();
				assertTimesOut(requests, "upper", "slow");
				Health late = health(context);
				assertThat(late.getStatus()).isEqualTo(Status.DOWN);
				assertThat(late.getDetails().get("reason").toString()).contains("has not answered a request",
						"restart it");
				assertThat(Instant.parse((String) late.getDetails().get("unansweredRequestSince")))
					.isBetween(before.minusMillis(1), Instant.now());
				Files.createFile(release);
				await().atMost(WAIT).until(() -> channel.getStatistics().getDropped(DropReason.LATE_ANSWER) == 1);
				assertUp(context);
				assertThat(requests.sendAndReceive("upper", "b", WAIT)).isEqualTo("B");

				// Skipped: the next answer is taken as the skipped one's late answer, so
				// the next request times out too, and the channel stays DOWN.
				assertTimesOut(requests, "upper", "skip");
				assertThat(health(context).getStatus()).isEqualTo(Status.DOWN);
				assertTimesOut(requests, "upper", "c");
				await().atMost(WAIT).until(() -> channel.getStatistics().getDropped(DropReason.LATE_ANSWER) == 2);
				assertThat(health(context).getStatus()).isEqualTo(Status.DOWN);

				// A restart fails what waits, and the next instance answers in step.
				context.getBean(PipeIoEndpoint.class).change("upper", "restart");
				await().atMost(WAIT).until(() -> channel.getUnansweredRequestSince() == null);
				assertUp(context);
				assertThat(requests.sendAndReceive("upper", "d", WAIT)).isEqualTo("D");
			});
	}

	@Test
	void aPausedChannelReadsNoAnswerAndStaysUp() throws Exception {
		PipeIoContextRunners.withActuator(this.directory)
			.withPropertyValues("pipe-io.channels.upper.plugin.command=cat")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannel channel = registry.getRequiredChannel("upper");
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				await().atMost(WAIT).until(() -> channel.getPlugin().getState() == PluginState.RUNNING);
				assertThat(requests.sendAndReceive("upper", "a", WAIT)).isEqualTo("a");
				registry.pause("upper");
				// cat answers, but the paused channel does not read it: not the plug-in's
				// fault.
				assertTimesOut(requests, "upper", "b");
				Health paused = health(context);
				assertThat(paused.getStatus()).isEqualTo(Status.UP);
				assertThat(paused.getDetails()).containsEntry("state", "PAUSED").containsKey("unansweredRequestSince");
				registry.resume("upper");
				await().atMost(WAIT).until(() -> channel.getUnansweredRequestSince() == null);
				assertUp(context);
			});
	}

	@Test
	void aClientThatDoesNotAnswerShowsInTheDetailsOfAChannelThatStaysUp() {
		PipeIoContextRunners.withActuator(this.directory)
			.withPropertyValues("pipe-io.channels.calc.auto-startup=true")
			.run((context) -> {
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "calc")) {
					assertTimesOut(requests, "calc", "lost");
					assertThat(client.receive()).isEqualTo("lost");
					Health health = ChannelHealth.of(context, "calc");
					// Not the channel's fault: the other end is a client, not its
					// plug-in.
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails()).containsKey("unansweredRequestSince");
					client.send("answer");
					await().atMost(WAIT)
						.untilAsserted(() -> assertThat(ChannelHealth.of(context, "calc").getDetails())
							.doesNotContainKey("unansweredRequestSince"));
				}
			});
	}

	private static void assertTimesOut(PipeRequestOperations requests, String channel, String line) {
		assertThatExceptionOfType(PipeRequestException.class)
			.isThrownBy(() -> requests.sendAndReceive(channel, line, SHORT))
			.satisfies((ex) -> assertThat(ex.getOutcome()).isEqualTo(PipeRequestOutcome.TIMEOUT));
	}

	private static void assertUp(AssertableApplicationContext context) {
		Health health = health(context);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).doesNotContainKey("unansweredRequestSince");
	}

	private static Health health(AssertableApplicationContext context) {
		return ChannelHealth.of(context, "upper");
	}

}
