package io.pipeio.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Pattern;

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
				assertThat(output.getAll()).contains("\\x1b[31mred\\x1b[0m\tdone").doesNotContain("\u001B");
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

	@Test
	void aPlugInThatEndedWellAndUsedUpItsRestartsIsAWarningThatSaysItGaveUp(CapturedOutput output) {
		// "restart: always" restarts an exit with code 0 too; with no restart allowed the
		// plug-in is FAILED at once, which an operator must be told of.
		assertFailsWithWarning(output,
				"exited with code 0; state FAILED \\(gave up: its 0 restart\\(s\\) within 2m are used up,"
						+ " see plugin.max-restarts and plugin.restart-window;",
				"pipe-io.channels.once.plugin.command=true", "pipe-io.channels.once.plugin.restart=always",
				"pipe-io.channels.once.plugin.max-restarts=0", "pipe-io.channels.once.plugin.restart-window=2m");
	}

	@Test
	void aPlugInThatFailedUnderRestartNeverIsAWarningNamingThePolicy(CapturedOutput output) {
		assertFailsWithWarning(output, "exited with code 1; state FAILED \\(plugin.restart is never\\)",
				"pipe-io.channels.once.plugin.command=false", "pipe-io.channels.once.plugin.restart=never");
	}

	/**
	 * Run the plug-in of channel {@code once} until it is FAILED, and find the warning
	 * its exit was logged with.
	 */
	private void assertFailsWithWarning(CapturedOutput output, String exited, String... properties) {
		PipeIoContextRunners.withDirectory(this.directory).withPropertyValues(properties).run((context) -> {
			PluginSupervisor plugin = context.getBean(PipeChannelRegistry.class).getRequiredChannel("once").getPlugin();
			await().atMost(WAIT).until(() -> plugin.getState() == PluginState.FAILED);
			await().atMost(WAIT)
				.untilAsserted(
						() -> assertThat(output.getAll()).containsPattern("WARN.*Plug-in of channel 'once' " + exited));
		});
	}

	@Test
	void aLaunchThatFailsIsAWarningOfPipeIosNotAPlugInsLine(CapturedOutput output) throws Exception {
		// Executable, so it passes the start-up checks, but its interpreter does not
		// exist: the launch fails.
		Path script = Files.writeString(this.directory.resolve("no-interpreter.sh"),
				"#!/no/such/interpreter\necho never\n");
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.broken.plugin.command=" + script,
					"pipe-io.channels.broken.plugin.restart=never")
			.run((context) -> {
				PluginSupervisor plugin = context.getBean(PipeChannelRegistry.class)
					.getRequiredChannel("broken")
					.getPlugin();
				await().atMost(WAIT).until(() -> plugin.getState() == PluginState.FAILED);
				assertThat(output.getAll()).containsPattern("WARN.*Plug-in of channel 'broken': cannot start \\["
						+ Pattern.quote(script.toString()) + "\\]: .*\\(counted as an exit with code -1\\)");
			});
	}

}
