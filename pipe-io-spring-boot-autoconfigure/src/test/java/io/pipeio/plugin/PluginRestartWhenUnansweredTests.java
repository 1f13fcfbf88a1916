package io.pipeio.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeRequestException;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.core.PipeRequestOutcome;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.UpperCasePlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code plugin.restart-when-unanswered}: a plug-in that leaves a timed-out request
 * unanswered that long is ended as failed, so that its restart policy restarts it and
 * requests and answers are back in step; one that answers late in time, or whose channel
 * is paused, is left running.
 */
@Timeout(120)
@ExtendWith(OutputCaptureExtension.class)
class PluginRestartWhenUnansweredTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Duration SHORT = Duration.ofMillis(300);

	@TempDir
	Path directory;

	@Test
	void aPluginThatSkipsAnAnswerIsEndedAsFailedAndItsNextInstanceAnswersInStep(CapturedOutput output)
			throws Exception {
		// It ends well on SIGTERM (exit code 0): ended as failed all the same, so that
		// "restart: on-failure" restarts it.
		runner("on-failure", Duration.ofSeconds(1)).run((context) -> {
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("upper");
			PluginSupervisor plugin = channel.getPlugin();
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
			long first = plugin.getPid();
			assertThat(requests.sendAndReceive("upper", "a", WAIT)).isEqualTo("A");
			assertTimesOut(requests, "skip");
			await().atMost(WAIT)
				.until(() -> plugin.getState() == PluginState.RUNNING && plugin.getPid() != null
						&& plugin.getPid() != first);
			assertThat(plugin.getRestarts()).isEqualTo(1);
			assertThat(plugin.getLastExit()).isEqualTo(new PluginExit(0, PluginExit.Reason.ENDED_AS_FAILED, true));
			assertThat(channel.getUnansweredRequestSince()).isNull();
			assertThat(requests.sendAndReceive("upper", "b", WAIT)).isEqualTo("B");
			assertThat(output).contains("Plug-in of channel 'upper' (pid " + first + "): a request sent at ")
				.contains("has had no answer for 1s (plugin.restart-when-unanswered)")
				.contains("ending it as failed (SIGTERM)")
				.containsPattern("WARN.*Plug-in of channel 'upper' was ended as failed \\(exit code 0\\); restarting");
		});
	}

	@Test
	void withRestartNeverThePluginEndedAsFailedIsFailed() throws Exception {
		runner("never", Duration.ofSeconds(1)).run((context) -> {
			PluginSupervisor plugin = context.getBean(PipeChannelRegistry.class)
				.getRequiredChannel("upper")
				.getPlugin();
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
			assertTimesOut(requests, "skip");
			await().atMost(WAIT).until(() -> plugin.getState() == PluginState.FAILED);
			assertThat(plugin.getLastExit()).isEqualTo(new PluginExit(0, PluginExit.Reason.ENDED_AS_FAILED, false));
			assertThat(plugin.isEndedUntilRestarted()).isTrue();
			assertThat(plugin.getRestarts()).isZero();
		});
	}

	@Test
	void aPluginThatAnswersLateButInTimeIsLeftRunning() throws Exception {
		// A limit that leaves a busy machine the time to answer (an answer after it
		// would rightly end the plug-in).
		Duration limit = Duration.ofSeconds(5);
		Path release = UpperCasePlugin.release(this.directory);
		runner("on-failure", limit).run((context) -> {
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("upper");
			PluginSupervisor plugin = channel.getPlugin();
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
			long pid = plugin.getPid();
			assertTimesOut(requests, "slow");
			Files.createFile(release);
			await().atMost(WAIT).until(() -> channel.getUnansweredRequestSince() == null);
			// past the limit from when the request was sent
			await().during(limit.plusSeconds(1))
				.atMost(WAIT)
				.until(() -> plugin.getPid() != null && plugin.getPid() == pid);
			assertThat(requests.sendAndReceive("upper", "c", WAIT)).isEqualTo("C");
		});
	}

	@Test
	void aPausedChannelsPluginIsLeftRunning() throws Exception {
		runner("on-failure", Duration.ofSeconds(1)).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannel channel = registry.getRequiredChannel("upper");
			PluginSupervisor plugin = channel.getPlugin();
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
			long pid = plugin.getPid();
			registry.pause("upper");
			// It answers, but the paused channel does not read the answer: not the
			// plug-in's fault.
			assertTimesOut(requests, "d");
			await().during(Duration.ofSeconds(2))
				.atMost(WAIT)
				.until(() -> plugin.getPid() != null && plugin.getPid() == pid);
			registry.resume("upper");
			await().atMost(WAIT).until(() -> channel.getUnansweredRequestSince() == null);
			assertThat(plugin.getRestarts()).isZero();
		});
	}

	/**
	 * The channel "upper" with the plug-in of {@link UpperCasePlugin}, which exits with
	 * code 0 on SIGTERM.
	 */
	private ApplicationContextRunner runner(String restart, Duration limit) throws Exception {
		Path script = UpperCasePlugin.write(this.directory);
		return PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.upper.plugin.command=" + script,
					"pipe-io.channels.upper.plugin.restart=" + restart,
					"pipe-io.channels.upper.plugin.restart-when-unanswered=" + limit.toMillis() + "ms",
					"pipe-io.channels.upper.plugin.backoff.initial=100ms",
					"pipe-io.channels.upper.plugin.stop-timeout=5s");
	}

	private static void assertTimesOut(PipeRequestOperations requests, String line) {
		assertThatExceptionOfType(PipeRequestException.class)
			.isThrownBy(() -> requests.sendAndReceive("upper", line, SHORT))
			.satisfies((ex) -> assertThat(ex.getOutcome()).isEqualTo(PipeRequestOutcome.TIMEOUT));
	}

}
