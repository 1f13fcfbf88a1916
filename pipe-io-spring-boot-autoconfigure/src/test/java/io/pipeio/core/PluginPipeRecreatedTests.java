package io.pipeio.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.pipeio.plugin.PluginState;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.PipeServerState;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plug-in reads the out pipe it was started with: when that pipe is deleted and the
 * channel makes it again, the plug-in is restarted on the new one, whatever its restart
 * policy, so the channel's requests are answered again.
 */
@Timeout(120)
@ExtendWith(OutputCaptureExtension.class)
class PluginPipeRecreatedTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	@ParameterizedTest(name = "stdio: {0}, restart: {1}, at the end of its input: {2}")
	@CsvSource({ "true, on-failure, ends", "false, on-failure, ends", "true, never, ends", "true, on-failure, stays",
			"false, always, stays" })
	void aPluginWhoseOutPipeWasMadeAgainIsRestartedOnTheNewOne(boolean stdio, String restart, String atEnd,
			CapturedOutput output) throws Exception {
		// Most plug-ins end at the end of their input, with code 0, which on-failure and
		// never do not restart; some read on, and would never read a line again.
		String loop = atEnd.equals("ends") ? "while IFS= read -r line; do echo \"$line!\"; done"
				: "while :; do if IFS= read -r line; then echo \"$line!\"; else sleep 0.05; fi; done";
		Path script = Files.writeString(this.directory.resolve("plugin.sh"),
				String.join("\n", "if [ \"$1\" = self ]; then exec <\"$PIPE_IO_OUT\" >\"$PIPE_IO_IN\"; fi", loop, ""));
		Path pipes = this.directory.resolve("pipes");
		PipeIoContextRunners.withDirectory(pipes)
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=bash",
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.command[2]=" + (stdio ? "stdin" : "self"),
					"pipe-io.channels.calc.plugin.stdio=" + stdio, "pipe-io.channels.calc.plugin.restart=" + restart)
			.run((context) -> {
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
				PluginSupervisor plugin = channel.getPlugin();
				assertThat(requests.sendAndReceive("calc", "one", WAIT)).isEqualTo("one!");
				Long first = plugin.getPid();
				Files.delete(pipes.resolve("calc.out"));
				await().atMost(WAIT).until(() -> output.getAll().contains("calc.out"));
				await().atMost(WAIT)
					.until(() -> plugin.getState() == PluginState.RUNNING && plugin.getPid() != null
							&& !plugin.getPid().equals(first));
				assertThat(requests.sendAndReceive("calc", "two", WAIT)).isEqualTo("two!");
				assertThat(channel.getState()).isEqualTo(PipeServerState.RUNNING);
				assertThat(output.getAll()).containsPattern(
						"INFO.*Plug-in of channel 'calc': its out pipe .*calc.out was made again; restarting it on the new one");
			});
	}

}
