package io.pipeio.plugin;

import java.nio.file.Path;
import java.time.Duration;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator reads in the log of a plug-in: its stderr without the terminal
 * commands it may hold, and a restart someone asked for as information, not a warning.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class PluginLogTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	@Test
	void escapeSequencesOnStderrAreLoggedAsText(CapturedOutput output) {
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.colour.plugin.command[0]=bash",
					"pipe-io.channels.colour.plugin.command[1]=-c",
					"pipe-io.channels.colour.plugin.command[2]=printf '\\033[31mred\\033[0m\\tdone\\n' >&2; exec cat")
			.run((context) -> {
				await().atMost(WAIT).until(() -> output.getAll().contains("mred"));
				assertThat(output.getAll()).contains("\\x1B[31mred\\x1B[0m\tdone").doesNotContain("\u001B");
			});
	}

	@Test
	void aRestartSomeoneAskedForIsNoWarning(CapturedOutput output) {
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.echo.plugin.command=cat",
					"pipe-io.channels.echo.plugin.stop-timeout=2s")
			.run((context) -> {
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				assertThat(requests.sendAndReceive("echo", "one", WAIT)).isEqualTo("one");
				context.getBean(PipeChannelRegistry.class).getRequiredChannel("echo").getPlugin().restart();
				assertThat(requests.sendAndReceive("echo", "two", WAIT)).isEqualTo("two");
			});
		assertThat(output.getAll())
			.containsPattern("INFO.*Plug-in of channel 'echo' exited with code \\d+; restarting, as asked")
			.doesNotContainPattern("WARN.*Plug-in of channel 'echo' exited");
	}

}
