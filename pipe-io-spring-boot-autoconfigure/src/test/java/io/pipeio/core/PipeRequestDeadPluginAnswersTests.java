package io.pipeio.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pipeio.annotation.PipeListener;
import io.pipeio.plugin.PluginState;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plug-in that answers and then dies before the channel read its answers: they reach
 * the requests they answer, not the requests sent to the next instance.
 */
@Timeout(120)
@ExtendWith(OutputCaptureExtension.class)
class PipeRequestDeadPluginAnswersTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String GAVE_UP = "ended before the channel read what it wrote";

	@TempDir
	Path directory;

	@Test
	void answersWrittenByAPluginThatDiedReachTheirRequests() throws Exception {
		// The first instance greets (a line for the listener, which holds the channel's
		// reading up), answers one request with its pid, and dies; the next one answers
		// every request.
		Path script = this.directory.resolve("answers-then-dies.py");
		Files.writeString(script, """
				import os, sys
				first = not os.path.exists(sys.argv[1])
				if first:
				    print("hello", flush=True)
				for line in sys.stdin:
				    print(line.strip() + " from " + str(os.getpid()), flush=True)
				    if first:
				        open(sys.argv[1], "w").close()
				        sys.exit(3)
				""");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withUserConfiguration(HeldListener.class)
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=python3",
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.command[2]=" + this.directory.resolve("died-once"),
					"pipe-io.channels.calc.plugin.backoff.initial=100ms")
			.run((context) -> {
				HeldListener listener = context.getBean(HeldListener.class);
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				PluginSupervisor plugin = context.getBean(PipeChannelRegistry.class)
					.getRequiredChannel("calc")
					.getPlugin();
				assertThat(listener.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
				long pid = plugin.getPid();
				CompletableFuture<String> first = requests.sendAndReceiveAsync("calc", "first", WAIT);
				// It answered and died, and the channel saw it die, while its answer
				// still waits behind the held listener.
				await().atMost(WAIT).until(() -> plugin.getState() != PluginState.RUNNING);
				listener.release.countDown();
				assertThat(first).succeedsWithin(WAIT).isEqualTo("first from " + pid);
				await().atMost(WAIT)
					.until(() -> plugin.getState() == PluginState.RUNNING && plugin.getPid() != null
							&& plugin.getPid() != pid);
				long next = plugin.getPid();
				assertThat(requests.sendAndReceive("calc", "second", WAIT)).isEqualTo("second from " + next);
				assertThat(listener.received).containsExactly("hello");
			});
	}

	@Test
	void aPluginThatDiesWithoutAnsweringFailsItsRequestWithoutWaitingForItsOutput(CapturedOutput output)
			throws Exception {
		Path script = this.directory.resolve("dies.py");
		Files.writeString(script, "import sys\nsys.stdin.readline()\nsys.exit(3)\n");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=python3",
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.backoff.initial=100ms")
			.run((context) -> {
				PluginSupervisor plugin = context.getBean(PipeChannelRegistry.class)
					.getRequiredChannel("calc")
					.getPlugin();
				await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
				CompletableFuture<String> request = context.getBean(PipeRequestOperations.class)
					.sendAndReceiveAsync("calc", "crash", WAIT);
				assertThat(request).failsWithin(WAIT)
					.withThrowableThat()
					.withRootCauseInstanceOf(PipeRequestException.class)
					.withMessageContaining("restarted");
				// Its departure was seen: the exit did not give up waiting for it.
				assertThat(output).doesNotContain(GAVE_UP);
			});
	}

	@Test
	void aPausedChannelDoesNotHoldUpTheRestartOfItsPlugin(CapturedOutput output) throws Exception {
		Path script = this.directory.resolve("answers-then-dies.sh");
		Files.writeString(script, "read -r line\necho \"$line\"\nexit 3\n");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=bash",
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.backoff.initial=100ms")
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
				PluginSupervisor plugin = channel.getPlugin();
				await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
				channel.pause();
				CompletableFuture<String> request = context.getBean(PipeRequestOperations.class)
					.sendAndReceiveAsync("calc", "answered while paused", WAIT);
				assertThat(request).failsWithin(WAIT)
					.withThrowableThat()
					.withRootCauseInstanceOf(PipeRequestException.class)
					.withMessageContaining("restarted");
				assertThat(output).contains(GAVE_UP + " (the channel is paused)");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class HeldListener {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final List<String> received = new CopyOnWriteArrayList<>();

		@PipeListener("calc")
		void onLine(String line) throws InterruptedException {
			this.received.add(line);
			this.entered.countDown();
			this.release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
		}

	}

}
