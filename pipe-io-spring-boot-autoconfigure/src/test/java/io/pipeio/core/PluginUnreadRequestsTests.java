package io.pipeio.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.DropReason;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The request lines a plug-in left unread in the out pipe when it died are thrown away,
 * whether it read them from its stdin ({@code stdio: true}) or opened the pipe itself
 * ({@code stdio: false}): the next instance answers the next request, not one that failed
 * with the dead instance.
 */
@Timeout(120)
class PluginUnreadRequestsTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/**
	 * Reads a line at a time (bash reads a pipe byte by byte, so what follows a line
	 * stays in the pipe), answers {@code <line>!}; {@code hold} waits for the file
	 * {@code $1} before answering, {@code die} exits 7. {@code $2} is {@code self} for a
	 * plug-in that opens the pipes itself.
	 */
	private static final String PLUGIN = String.join("\n", "if [ \"$2\" = self ]; then",
			"  exec <\"$PIPE_IO_OUT\" >\"$PIPE_IO_IN\"", "fi", "while IFS= read -r line; do",
			"  if [ \"$line\" = die ]; then exit 7; fi",
			"  if [ \"$line\" = hold ]; then while [ ! -e \"$1\" ]; do sleep 0.05; done; fi", "  echo \"$line!\"",
			"done", "");

	@TempDir
	Path directory;

	@ParameterizedTest(name = "stdio: {0}")
	@ValueSource(booleans = { true, false })
	void requestLinesADeadInstanceLeftUnreadAreThrownAwayAndTheNextInstanceAnswersTheNextRequest(boolean stdio)
			throws Exception {
		Path script = Files.writeString(this.directory.resolve("plugin.sh"), PLUGIN);
		Path go = this.directory.resolve("go");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=bash",
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.command[2]=" + go,
					"pipe-io.channels.calc.plugin.command[3]=" + (stdio ? "stdin" : "self"),
					"pipe-io.channels.calc.plugin.stdio=" + stdio, "pipe-io.channels.calc.plugin.backoff.initial=100ms")
			.run((context) -> {
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
				PluginSupervisor plugin = channel.getPlugin();
				assertThat(requests.sendAndReceive("calc", "one", WAIT)).isEqualTo("one!");
				long sent = channel.getStatistics().getSentMessages();
				CompletableFuture<String> held = requests.sendAndReceiveAsync("calc", "hold", WAIT);
				List<CompletableFuture<String>> failing = List.of(requests.sendAndReceiveAsync("calc", "die", WAIT),
						requests.sendAndReceiveAsync("calc", "stale", WAIT),
						requests.sendAndReceiveAsync("calc", "stale too", WAIT));
				// All four are in the pipe before the plug-in reads past "hold".
				await().atMost(WAIT).until(() -> channel.getStatistics().getSentMessages() == sent + 4);
				Files.createFile(go);
				assertThat(held).succeedsWithin(WAIT).isEqualTo("hold!");
				for (CompletableFuture<String> request : failing) {
					assertThat(request).failsWithin(WAIT)
						.withThrowableOfType(ExecutionException.class)
						.havingCause()
						.isInstanceOf(PipeRequestException.class)
						.satisfies((ex) -> assertThat(((PipeRequestException) ex).getOutcome())
							.isEqualTo(PipeRequestOutcome.RESTARTED));
				}
				assertThat(requests.sendAndReceive("calc", "fresh", WAIT)).isEqualTo("fresh!");
				assertThat(requests.sendAndReceive("calc", "fresh too", WAIT)).isEqualTo("fresh too!");
				assertThat(channel.getStatistics().getDropped(DropReason.ABANDONED)).isEqualTo(2);
				assertThat(plugin.getRestarts()).isEqualTo(1);
			});
	}

}
