package io.pipeio.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import io.pipeio.annotation.PipeListener;
import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeChannelSettings;
import io.pipeio.core.PipeRequestException;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.core.PipeRequestOutcome;
import io.pipeio.event.PipePluginStartedEvent;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerSettings;
import io.pipeio.server.PipeServerState;
import io.pipeio.testsupport.ConcurrentCall;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Channels with a {@code plugin}: a real Python or bash process at the other end of the
 * pipes, started, restarted and stopped by the channel.
 */
@Timeout(120)
@ExtendWith(OutputCaptureExtension.class)
class PipePluginHostTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/**
	 * Upper-cases each line; {@code hold} is not answered; {@code die} exits 1 at once.
	 */
	private static final String PLUGIN = String.join("\n", "import sys, os",
			"sys.stderr.write('calc plug-in ready\\n'); sys.stderr.flush()", "for line in sys.stdin:",
			"    line = line.rstrip('\\n')", "    if line == 'hold':", "        continue", "    if line == 'die':",
			"        os._exit(1)", "    sys.stdout.write(line.upper() + '\\n'); sys.stdout.flush()");

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() throws Exception {
		return runner(Python.interpreter());
	}

	private ApplicationContextRunner runner(String python) throws Exception {
		Path script = this.directory.resolve("calc.py");
		Files.writeString(script, PLUGIN);
		return PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=" + python,
					"pipe-io.channels.calc.plugin.command[1]=" + script,
					"pipe-io.channels.calc.plugin.backoff.initial=100ms",
					"pipe-io.channels.calc.plugin.stop-timeout=2s");
	}

	@Test
	void pluginAnswersRequestsAndItsStderrIsLogged(CapturedOutput output) throws Exception {
		// The program named as a user names it, found on the PATH.
		runner("python3").run((context) -> {
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			assertThat(requests.sendAndReceive("calc", "hello", WAIT)).isEqualTo("HELLO");
			PluginSupervisor plugin = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc").getPlugin();
			assertThat(plugin.getState()).isEqualTo(PluginState.RUNNING);
			assertThat(plugin.getPid()).isNotNull();
			await().atMost(WAIT).until(() -> output.getAll().contains("calc plug-in ready"));
			assertThat(output.getAll()).containsPattern("INFO.*io\\.pipeio\\.plugin\\.calc.*calc plug-in ready");
		});
	}

	@Test
	void aPluginStoppedWithItsChannelIsNoWarning(CapturedOutput output) throws Exception {
		runner().run((context) -> {
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			assertThat(requests.sendAndReceive("calc", "hello", WAIT)).isEqualTo("HELLO");
		});
		assertThat(output.getAll())
			.containsPattern("INFO.*Plug-in of channel 'calc' exited with code \\d+; state STOPPED")
			.doesNotContainPattern("WARN.*Plug-in of channel 'calc' exited");
	}

	@Test
	void aPluginIgnoringSigtermIsKilledWithinTheShutdownTimeoutNotItsLongerStopTimeout(CapturedOutput output)
			throws Exception {
		AtomicLong pid = new AtomicLong();
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.calc.plugin.command[0]=bash",
					"pipe-io.channels.calc.plugin.command[1]=-c",
					"pipe-io.channels.calc.plugin.command[2]=trap '' TERM; while :; do sleep 0.1; done",
					"pipe-io.channels.calc.plugin.stop-timeout=60s", "spring.lifecycle.timeout-per-shutdown-phase=1s")
			.run((context) -> {
				PluginSupervisor plugin = context.getBean(PipeChannelRegistry.class)
					.getRequiredChannel("calc")
					.getPlugin();
				await().atMost(WAIT).until(() -> plugin.getPid() != null);
				pid.set(plugin.getPid());
			});
		// The application may exit once its stop is over: the plug-in must be gone by
		// then, not a minute later.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive).isEmpty());
		// Killed a quarter of the shutdown timeout before its end, which leaves the kill
		// and the drain of what it wrote time to end within it.
		assertThat(output.getAll())
			.contains("Plug-in of channel 'calc' did not end within 750 ms of SIGTERM and was killed");
	}

	@Test
	void restartFailsEveryOutstandingRequestAtOnceAndTheNextInstanceAnswersTheNextRequest() throws Exception {
		runner().run((context) -> {
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
			assertThat(requests.sendAndReceive("calc", "first", WAIT)).isEqualTo("FIRST");
			List<CompletableFuture<String>> lost = List.of(requests.sendAndReceiveAsync("calc", "hold", WAIT),
					requests.sendAndReceiveAsync("calc", "die", WAIT),
					requests.sendAndReceiveAsync("calc", "hold", WAIT));
			for (CompletableFuture<String> request : lost) {
				assertThat(request).failsWithin(WAIT)
					.withThrowableOfType(ExecutionException.class)
					.havingCause()
					.isInstanceOf(PipeRequestException.class)
					.withMessageContaining("exited with code 1")
					.satisfies((ex) -> assertThat(((PipeRequestException) ex).getOutcome())
						.isEqualTo(PipeRequestOutcome.RESTARTED));
			}
			assertThat(requests.sendAndReceive("calc", "after", WAIT)).isEqualTo("AFTER");
			assertThat(channel.getPlugin().getRestarts()).isEqualTo(1);
			assertThat(channel.getPlugin().getLastExitCode()).isEqualTo(1);
		});
	}

	@Test
	void anApplicationListenerThrowingOnThePluginsStartDoesNotStopItsSupervision(CapturedOutput output)
			throws Exception {
		runner().withUserConfiguration(ThrowingOnStart.class).run((context) -> {
			assertThat(context).hasNotFailed();
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			PluginSupervisor plugin = context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc").getPlugin();
			assertThat(requests.sendAndReceive("calc", "first", WAIT)).isEqualTo("FIRST");
			// The exit of an instance whose start an observer failed on is still seen:
			// it is restarted.
			assertThat(requests.sendAndReceiveAsync("calc", "die", WAIT)).failsWithin(WAIT);
			assertThat(requests.sendAndReceive("calc", "after", WAIT)).isEqualTo("AFTER");
			assertThat(plugin.getRestarts()).isEqualTo(1);
			assertThat(context.getBean(ThrowingOnStart.class).starts).hasSize(2);
		});
		assertThat(output.getAll()).contains("An observer of the plug-in of channel 'calc' failed on its start");
	}

	@Test
	void requestsWaitingWhenTheChannelStopsFailAsErrorsNotAsRestarts() throws Exception {
		runner().run((context) -> {
			PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
			assertThat(requests.sendAndReceive("calc", "first", WAIT)).isEqualTo("FIRST");
			CompletableFuture<String> waiting = requests.sendAndReceiveAsync("calc", "hold", WAIT);
			context.getBean(PipeChannelRegistry.class).stop("calc");
			assertThat(waiting).failsWithin(WAIT)
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOf(PipeRequestException.class)
				.withMessageContaining("channel 'calc' stopped")
				.satisfies((ex) -> assertThat(((PipeRequestException) ex).getOutcome())
					.isEqualTo(PipeRequestOutcome.ERROR));
		});
	}

	@Test
	void stoppingTheChannelStopsThePluginFirstAndClosingTheContextLeavesNoProcess() throws Exception {
		List<ProcessHandle> processes = new CopyOnWriteArrayList<>();
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PluginSupervisor plugin = registry.getRequiredChannel("calc").getPlugin();
			await().atMost(WAIT).until(() -> plugin.getProcess() != null);
			ProcessHandle first = plugin.getProcess();
			registry.stop("calc");
			assertThat(first.isAlive()).isFalse();
			assertThat(plugin.getState()).isEqualTo(PluginState.STOPPED);
			registry.start("calc");
			assertThat(context.getBean(PipeRequestOperations.class).sendAndReceive("calc", "again", WAIT))
				.isEqualTo("AGAIN");
			processes.add(plugin.getProcess());
		});
		assertThat(processes).hasSize(1).noneMatch(ProcessHandle::isAlive);
	}

	@Test
	void pluginThatDiesMidLineNeverGluesItsPartialLineOntoTheNextInstancesFirstLine() throws Exception {
		Path marker = this.directory.resolve("died-once");
		Path script = this.directory.resolve("partial.sh");
		Files.writeString(script, "#!/bin/bash\nif [ ! -e '" + marker + "' ]; then touch '" + marker
				+ "'; printf partial; exit 1; fi\necho whole\nexec cat > /dev/null\n");
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withUserConfiguration(Lines.class)
			.withPropertyValues("pipe-io.channels.partial.plugin.command=" + script,
					"pipe-io.channels.partial.plugin.backoff.initial=100ms")
			.run((context) -> {
				Lines lines = context.getBean(Lines.class);
				await().atMost(WAIT).until(() -> !lines.received.isEmpty());
				assertThat(lines.received).containsExactly("whole");
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("partial");
				assertThat(channel.getStatistics().getDropped(DropReason.INCOMPLETE)).isEqualTo(1);
			});
	}

	@Test
	void pluginsCanBeRegisteredAndUnregisteredAtRuntime() throws Exception {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PluginSettings cat = PluginSettings.of(List.of("cat"));
			PipeChannelSettings settings = PipeChannelSettings
				.of(PipeServerSettings
					.builder("echo", this.directory.resolve("pipes/echo.in"), this.directory.resolve("pipes/echo.out"))
					.build())
				.withPlugin(cat);
			PipeChannel channel = registry.register("echo", settings, (line, ctx) -> null);
			assertThat(context.getBean(PipeRequestOperations.class).sendAndReceive("echo", "same", WAIT))
				.isEqualTo("same");
			ProcessHandle process = channel.getPlugin().getProcess();
			assertThat(registry.unregister("echo")).isTrue();
			assertThat(process.isAlive()).isFalse();
		});
	}

	@Test
	void invalidPluginSettingsFailStartupNamingTheProperty() throws Exception {
		Path notExecutable = Files.writeString(this.directory.resolve("plain.sh"), "echo");
		ApplicationContextRunner runner = PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"));
		runner.withPropertyValues("pipe-io.channels.a.plugin.environment.X=1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pipe-io.channels.a.plugin.command must name the program"));
		runner.withPropertyValues("pipe-io.channels.a.plugin.command=no-such-program-here")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining(
						"pipe-io.channels.a.plugin.command: 'no-such-program-here' is not an executable"));
		runner.withPropertyValues("pipe-io.channels.a.plugin.command=" + notExecutable)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pipe-io.channels.a.plugin.command: " + notExecutable + " is not executable"));
		runner.withPropertyValues("pipe-io.channels.a.plugin.command=" + this.directory)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining(
						"pipe-io.channels.a.plugin.command: " + this.directory + " is a directory, not a program"));
		runner.withPropertyValues("pipe-io.channels.a.plugin.command[0]=python3 " + notExecutable)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("python3 " + notExecutable + " does not exist")
				.hasMessageContaining("write [python3, " + notExecutable + "] rather than one string"));
		runner.withPropertyValues("pipe-io.channels.a.plugin.command=cat", "pipe-io.channels.a.plugin.stop-timeout=-1s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pipe-io.channels.a.plugin.stop-timeout must be positive, not -1s"));
		runner
			.withPropertyValues("pipe-io.channels.a.plugin.command=cat",
					"pipe-io.channels.a.plugin.restart-when-unanswered=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pipe-io.channels.a.plugin.restart-when-unanswered must be positive, not 0s"));
		runner
			.withPropertyValues("pipe-io.channels.a.plugin.command=cat",
					"pipe-io.channels.a.plugin.backoff.initial=-5s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pipe-io.channels.a.plugin.backoff.initial must be positive, not -5s"));
		// every wrong value at once, not the first alone
		runner
			.withPropertyValues("pipe-io.channels.a.plugin.command=cat", "pipe-io.channels.a.plugin.backoff.initial=0s",
					"pipe-io.channels.a.plugin.backoff.max=-1s", "pipe-io.channels.a.plugin.max-restarts=-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pipe-io.channels.a.plugin.backoff.initial must be positive, not 0s")
				.hasMessageContaining("pipe-io.channels.a.plugin.backoff.max must be positive, not -1s")
				.hasMessageContaining("pipe-io.channels.a.plugin.max-restarts must not be negative, not -1"));
	}

	@Test
	void aStopArrivingWhileTheChannelStartsWaitsForThePlugInAndStopsIt() throws Exception {
		runner().withUserConfiguration(StopWhileStarting.class).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			StopWhileStarting stopper = context.getBean(StopWhileStarting.class);
			registry.stop("calc");
			stopper.registry = registry;
			// The engine runs; before the plug-in starts, a stop comes from elsewhere.
			ExecutorService starter = Executors.newSingleThreadExecutor();
			CompletableFuture<Void> start = CompletableFuture.runAsync(() -> registry.start("calc"), starter);
			starter.shutdown();
			assertThat(start).succeedsWithin(WAIT);
			await().atMost(WAIT).until(() -> stopper.stop != null && stopper.stop.isDone());
			PipeChannel channel = registry.getRequiredChannel("calc");
			assertThat(channel.isRunning()).isFalse();
			assertThat(channel.getPlugin().getState()).isEqualTo(PluginState.STOPPED);
			assertThat(channel.getPlugin().getPid()).isNull();
			// and it starts again, plug-in and all
			registry.start("calc");
			assertThat(context.getBean(PipeRequestOperations.class).sendAndReceive("calc", "again", WAIT))
				.isEqualTo("AGAIN");
		});
	}

	@Test
	void aStopByAListenerOfTheStartOnItsOwnThreadLaunchesNoPlugIn() throws Exception {
		runner().withUserConfiguration(StopOnTheStartingThread.class).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			registry.stop("calc");
			context.getBean(StopOnTheStartingThread.class).registry = registry;
			registry.start("calc");
			PipeChannel channel = registry.getRequiredChannel("calc");
			assertThat(channel.isRunning()).isFalse();
			assertThat(channel.getPlugin().getState()).isEqualTo(PluginState.STOPPED);
			assertThat(channel.getPlugin().getPid()).isNull();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class StopOnTheStartingThread implements PipeServerListener {

		volatile PipeChannelRegistry registry;

		@Override
		public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
				Throwable cause) {
			PipeChannelRegistry channels = this.registry;
			if (channels != null && current == PipeServerState.RUNNING) {
				this.registry = null;
				channels.stop("calc");
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StopWhileStarting implements PipeServerListener {

		volatile PipeChannelRegistry registry;

		volatile CompletableFuture<Void> stop;

		@Override
		public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
				Throwable cause) {
			PipeChannelRegistry channels = this.registry;
			if (channels != null && current == PipeServerState.RUNNING && this.stop == null) {
				this.stop = ConcurrentCall.startAndGiveItAMoment(() -> channels.stop("calc"));
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ThrowingOnStart {

		final List<Long> starts = new CopyOnWriteArrayList<>();

		@EventListener
		void started(PipePluginStartedEvent event) {
			this.starts.add(event.getPid());
			throw new IllegalStateException("listener failed on purpose");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Lines {

		final List<String> received = new CopyOnWriteArrayList<>();

		@PipeListener("partial")
		void onLine(String line) {
			this.received.add(line);
		}

	}

}
