package io.pipeio.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.pipeio.plugin.PluginState;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests to a plug-in that dies: those waiting, one waiting for room in a full send
 * queue included, fail at once, and the plug-in is restarted without waiting for them.
 */
@Timeout(120)
class PipeRequestRestartTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** The bytes a pipe holds on Linux, unless raised with {@code F_SETPIPE_SZ}. */
	private static final int PIPE_BYTES = 65536;

	/** A filler line with its newline. */
	private static final int FILLER_BYTES = 2001;

	@TempDir
	Path directory;

	@Test
	void aRequestWaitingForRoomDoesNotHoldUpTheRestartOfAPluginThatDied() throws Exception {
		Path script = this.directory.resolve("never-reads.py");
		Files.writeString(script, "import time\nwhile True:\n    time.sleep(1)\n");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=" + Python.interpreter(),
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.backoff.initial=100ms", "pipe-io.channels.calc.overflow=block",
					"pipe-io.channels.calc.send-timeout=60s", "pipe-io.channels.calc.send-queue-capacity=1")
			.run((context) -> {
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
				PluginSupervisor plugin = channel.getPlugin();
				await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
				long pid = plugin.getPid();
				// The plug-in reads nothing: the pipe fills, then the queue. A line
				// is sent only while the queue is empty, so no send waits for room.
				byte[] filler = "f".repeat(FILLER_BYTES - 1).getBytes(StandardCharsets.US_ASCII);
				int[] sent = new int[1];
				await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
					if (channel.getSendQueueSize() == 0) {
						channel.sendAsync(filler);
						sent[0]++;
					}
					// Full once the lines the writer took cannot all be in the pipe.
					return channel.getSendQueueSize() == 1 && (long) (sent[0] - 1) * FILLER_BYTES > PIPE_BYTES;
				});
				CompletableFuture<String> blocked = CompletableFuture
					.supplyAsync(() -> requests.sendAndReceive("calc", "waits for room", WAIT));
				await().atMost(WAIT).until(() -> channel.requests.size() == 1);
				ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
				// Restarted at once, not after the send timeout.
				await().atMost(Duration.ofSeconds(10))
					.until(() -> plugin.getState() == PluginState.RUNNING && plugin.getPid() != null
							&& plugin.getPid() != pid);
				assertThat(blocked).failsWithin(Duration.ofSeconds(10))
					.withThrowableThat()
					.withRootCauseInstanceOf(PipeRequestException.class)
					.withMessageContaining("restarted");
			});
	}

}
