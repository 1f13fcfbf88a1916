package io.pipeio.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pipeio.annotation.PipeListener;
import io.pipeio.plugin.PluginState;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.DropReason;
import io.pipeio.testsupport.ListenerEndpoint;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A channel whose listener left holds its lines in the pipe for the next one, yet its
 * requests are still answered, and it holds the lines again once none waits.
 */
@Timeout(120)
class PipeRequestHeldChannelTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	@Test
	void requestsAreAnsweredWhileTheChannelHoldsItsLinesForTheNextListener() throws Exception {
		// Upper-cases each line; "notify" is answered by an event line, not an answer.
		Path script = this.directory.resolve("upper.py");
		Files.writeString(script, """
				import sys
				for line in sys.stdin:
				    line = line.rstrip("\\n")
				    print("event" if line == "notify" else line.upper(), flush=True)
				""");
		runDetached(script, (context, registry, channel) -> {
			assertThat(channel.isPaused()).isTrue();
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			assertThat(requests.sendAndReceive("calc", "first", Duration.ofSeconds(10))).isEqualTo("FIRST");
			assertThat(requests.sendAndReceive("calc", "second", Duration.ofSeconds(10))).isEqualTo("SECOND");
			// No request waits: held again, so the event waits for the next listener.
			await().atMost(WAIT).until(channel::isPaused);
			context.getBean(PipeOperations.class).send("calc", "notify");
			List<String> next = registerCollectingListener(registry);
			await().atMost(WAIT).until(() -> !next.isEmpty());
			assertThat(next).containsExactly("event");
			assertThat(channel.getStatistics().getDropped(DropReason.NO_LISTENER)).isZero();
			assertThat(context.getBean(Events.class).lines).isEmpty();
		});
	}

	@Test
	void aRequestFailedByARestartLeavesTheChannelHoldingItsLines() throws Exception {
		runWithAPluginThatDiesOnce((context, registry, channel) -> {
			// written to the pipe while no listener is there
			await().atMost(WAIT).until(() -> Files.exists(this.directory.resolve("died.ready")));
			List<String> next = registerCollectingListener(registry);
			// the next instance's greeting waited in the pipe for this listener
			await().atMost(WAIT).until(() -> !next.isEmpty());
			assertThat(next).containsExactly("ready");
			assertThat(channel.getStatistics().getDropped(DropReason.NO_LISTENER)).isZero();
		});
	}

	@Test
	void aRequestIsAnsweredAfterAnEarlierOneFailedAndAListenerCameAndWent() throws Exception {
		runWithAPluginThatDiesOnce((context, registry, channel) -> {
			List<String> seen = registerCollectingListener(registry);
			await().atMost(WAIT).until(() -> seen.contains("ready"));
			assertThat(registry.unregisterListener("calc")).isTrue();
			assertThat(channel.isPaused()).isTrue();
			assertThat(context.getBean(PipeRequestOperations.class)
				.sendAndReceive("calc", "second", Duration.ofSeconds(10))).isEqualTo("SECOND");
		});
	}

	@Test
	void aRequestIsAnsweredWhenAListenerCameAndWentWhileItWaited() throws Exception {
		// "hold" is answered only with the next line
		Path script = this.directory.resolve("hold.py");
		Files.writeString(script, """
				import sys
				held = []
				for line in sys.stdin:
				    line = line.rstrip("\\n")
				    if line == "hold":
				        held.append(line)
				        continue
				    for h in held:
				        print(h.upper(), flush=True)
				    held = []
				    print(line.upper(), flush=True)
				""");
		runDetached(script, (context, registry, channel) -> {
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			CompletableFuture<String> hold = requests.sendAndReceiveAsync("calc", "hold", WAIT);
			await().atMost(WAIT).until(() -> !channel.isPaused());
			registry.registerListener(new ListenerEndpoint("calc", (line, ctx) -> null));
			assertThat(registry.unregisterListener("calc")).isTrue();
			assertThat(requests.sendAndReceive("calc", "release", WAIT)).isEqualTo("RELEASE");
			assertThat(hold).succeedsWithin(WAIT).isEqualTo("HOLD");
		});
	}

	/**
	 * Run with a Python plug-in, once its channel's listener was detached.
	 */
	/** Registers a listener on "calc" that keeps each line it is given. */
	private static List<String> registerCollectingListener(PipeChannelRegistry registry) {
		List<String> lines = new CopyOnWriteArrayList<>();
		registry.registerListener(new ListenerEndpoint("calc", (line, ctx) -> {
			lines.add(new String(line, ctx.getCharset()));
			return null;
		}));
		return lines;
	}

	private void runDetached(Path script, HeldChannelTest test) {
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withUserConfiguration(Events.class)
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=" + Python.interpreter(),
					"pipe-io.channels.calc.plugin.command[1]=" + script)
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannel channel = registry.getRequiredChannel("calc");
				await().atMost(WAIT).until(() -> channel.getPlugin().getState() == PluginState.RUNNING);
				assertThat(registry.unregisterListener("calc")).isTrue();
				test.run(context, registry, channel);
			});
	}

	/**
	 * Run with a plug-in whose first instance dies on "die" and whose later ones greet
	 * with "ready" (then create {@code died.ready}) and upper-case each line, once a
	 * request sent while the channel held its lines failed with the first instance, and
	 * the next one runs.
	 */
	private void runWithAPluginThatDiesOnce(HeldChannelTest test) throws Exception {
		Path script = this.directory.resolve("dies-once.py");
		Files.writeString(script, """
				import os, sys
				first = not os.path.exists(sys.argv[1])
				if not first:
				    print("ready", flush=True)
				    open(sys.argv[1] + ".ready", "w").close()
				for line in sys.stdin:
				    line = line.rstrip("\\n")
				    if first and line == "die":
				        open(sys.argv[1], "w").close()
				        sys.exit(3)
				    print(line.upper(), flush=True)
				""");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withUserConfiguration(Events.class)
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=" + Python.interpreter(),
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.command[2]=" + this.directory.resolve("died"),
					"pipe-io.channels.calc.plugin.backoff.initial=100ms")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannel channel = registry.getRequiredChannel("calc");
				PluginSupervisor plugin = channel.getPlugin();
				await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
				assertThat(registry.unregisterListener("calc")).isTrue();
				assertThat(context.getBean(PipeRequestOperations.class).sendAndReceiveAsync("calc", "die", WAIT))
					.failsWithin(WAIT);
				await().atMost(WAIT).until(() -> plugin.getRestarts() == 1 && plugin.getState() == PluginState.RUNNING);
				test.run(context, registry, channel);
			});
	}

	@FunctionalInterface
	private interface HeldChannelTest {

		void run(ApplicationContext context, PipeChannelRegistry registry, PipeChannel channel) throws Exception;

	}

	@Configuration(proxyBeanMethods = false)
	static class Events {

		final List<String> lines = new CopyOnWriteArrayList<>();

		@PipeListener("calc")
		void onEvent(String line) {
			this.lines.add(line);
		}

	}

}
