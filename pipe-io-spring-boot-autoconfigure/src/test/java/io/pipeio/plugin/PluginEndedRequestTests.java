package io.pipeio.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeRequestException;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.core.PipeRequestOutcome;
import io.pipeio.server.DropReason;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A request to a channel whose plug-in exited and is not restarted (FAILED, or STOPPED
 * after an exit its policy lets be) fails at once: nothing would read it, and the next
 * instance, once someone restarts it, would answer it long after its caller gave up.
 */
@Timeout(120)
class PluginEndedRequestTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** Upper-cases each line; {@code die} exits 1, {@code done} exits 0. */
	private static final String PLUGIN = String.join("\n", "import sys, os", "for line in sys.stdin:",
			"    line = line.rstrip('\\n')", "    if line == 'die':", "        os._exit(1)", "    if line == 'done':",
			"        os._exit(0)", "    sys.stdout.write(line.upper() + '\\n'); sys.stdout.flush()");

	@TempDir
	Path directory;

	@Test
	void aRequestToAFailedPlugInFailsAtOnceAndReachesNoLaterInstance() throws Exception {
		runner("never").run((context) -> {
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
			assertThat(requests.sendAndReceive("calc", "hello", WAIT)).isEqualTo("HELLO");
			assertThatExceptionOfType(PipeRequestException.class)
				.isThrownBy(() -> requests.sendAndReceive("calc", "die", WAIT))
				.satisfies((ex) -> assertThat(ex.getOutcome()).isEqualTo(PipeRequestOutcome.RESTARTED));
			await().atMost(WAIT).until(() -> channel.getPlugin().getState() == PluginState.FAILED);
			// a short timeout: without the check, the request waits it out in the pipe
			assertThatExceptionOfType(PipeRequestException.class)
				.isThrownBy(() -> requests.sendAndReceive("calc", "stale", Duration.ofMillis(500)))
				.withMessageContaining("its plug-in is FAILED after exiting with code 1")
				.satisfies((ex) -> assertThat(ex.getOutcome()).isEqualTo(PipeRequestOutcome.ERROR));
			channel.getPlugin().restart();
			assertThat(requests.sendAndReceive("calc", "again", WAIT)).isEqualTo("AGAIN");
			assertThat(channel.getStatistics().getDropped(DropReason.LATE_ANSWER)).isZero();
		});
	}

	@Test
	void aRequestToAPlugInThatEndedWellAndIsNotRestartedFailsAtOnce() throws Exception {
		runner("on-failure").run((context) -> {
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
			assertThatExceptionOfType(PipeRequestException.class)
				.isThrownBy(() -> requests.sendAndReceive("calc", "done", WAIT));
			await().atMost(WAIT).until(() -> channel.getPlugin().getState() == PluginState.STOPPED);
			assertThatExceptionOfType(PipeRequestException.class)
				.isThrownBy(() -> requests.sendAndReceive("calc", "stale", Duration.ofMillis(500)))
				.withMessageContaining("its plug-in is STOPPED after exiting with code 0");
			// a stop and a start of the channel launch it again
			context.getBean(PipeChannelRegistry.class).stop("calc");
			context.getBean(PipeChannelRegistry.class).start("calc");
			assertThat(requests.sendAndReceive("calc", "again", WAIT)).isEqualTo("AGAIN");
			assertThat(channel.getStatistics().getDropped(DropReason.LATE_ANSWER)).isZero();
		});
	}

	private ApplicationContextRunner runner(String restart) throws Exception {
		Path script = Files.writeString(this.directory.resolve("calc.py"), PLUGIN);
		return PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=" + Python.interpreter(),
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.restart=" + restart, "pipe-io.channels.calc.plugin.stop-timeout=2s");
	}

}
