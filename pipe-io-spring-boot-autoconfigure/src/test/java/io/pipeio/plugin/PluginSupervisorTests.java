package io.pipeio.plugin;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pipeio.testsupport.Undeclared;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link PluginSupervisor} with real bash processes, outside stdio mode (no pipes
 * needed).
 */
@Timeout(120)
@ExtendWith(OutputCaptureExtension.class)
class PluginSupervisorTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	private final List<PluginSupervisor> supervisors = new ArrayList<>();

	private final Recorder recorder = new Recorder();

	@AfterEach
	void stopAll() {
		this.supervisors.forEach(PluginSupervisor::stop);
	}

	private PluginSupervisor supervise(PluginSettings settings) {
		PluginSupervisor supervisor = new PluginSupervisor("test",
				settings.withProcess(null, Map.of("EXTRA", "x"), false), this.directory.resolve("test.in"),
				this.directory.resolve("test.out"), this.recorder);
		this.supervisors.add(supervisor);
		supervisor.start();
		return supervisor;
	}

	private static PluginSettings bash(String script) {
		return PluginSettings.of(List.of("bash", "-c", script));
	}

	@Test
	void crashingPluginIsRestartedWithAGrowingWaitThenFails() {
		PluginSupervisor supervisor = supervise(bash("exit 3").withRestart(RestartPolicy.ON_FAILURE,
				Duration.ofMillis(200), Duration.ofSeconds(5), 2, 3, Duration.ofMinutes(1)));
		await().atMost(WAIT).until(() -> supervisor.getState() == PluginState.FAILED);
		List<Long> starts = this.recorder.starts;
		assertThat(starts).hasSize(4);
		assertThat(supervisor.getRestarts()).isEqualTo(3);
		assertThat(supervisor.getLastExitCode()).isEqualTo(3);
		long[] minimum = { 200, 400, 800 };
		for (int i = 0; i < 3; i++) {
			Duration interval = Duration.ofNanos(starts.get(i + 1) - starts.get(i));
			assertThat(interval).isGreaterThanOrEqualTo(Duration.ofMillis(minimum[i]))
				.isLessThan(Duration.ofMillis(minimum[i]).plusSeconds(10));
		}
		assertThat(this.recorder.exits).containsExactly("3:true", "3:true", "3:true", "3:false");
		assertThat(this.recorder.reasons).containsOnly(PluginExit.Reason.EXITED);
	}

	@Test
	void aRestartCalledOffByAStopDuringTheWaitIsNotCounted() {
		PluginSupervisor supervisor = supervise(bash("exit 3").withRestart(RestartPolicy.ON_FAILURE,
				Duration.ofSeconds(30), Duration.ofSeconds(60), 2, 3, Duration.ofMinutes(1)));
		await().atMost(WAIT).until(() -> supervisor.getState() == PluginState.BACKOFF);
		supervisor.stop();
		assertThat(supervisor.getRestarts()).isZero();
		assertThat(this.recorder.starts).hasSize(1);
	}

	@Test
	void aBackoffAndWindowOfCenturiesWaitRatherThanEndTheSupervision() {
		// over the some 292 years a long of nanoseconds holds: an overflow there once
		// ended the exit's handling unseen, the plug-in shown RUNNING for good
		Duration centuries = Duration.ofDays(200_000);
		PluginSupervisor supervisor = supervise(
				bash("exit 3").withRestart(RestartPolicy.ON_FAILURE, centuries, centuries, 2, 3, centuries));
		await().atMost(WAIT).until(() -> supervisor.getState() == PluginState.BACKOFF);
		assertThat(this.recorder.exits).containsExactly("3:true");
		supervisor.stop();
		assertThat(supervisor.getState()).isEqualTo(PluginState.STOPPED);
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void anExitWhoseHandlingFailsIsLoggedAndTheSupervisionGoesOn(boolean error, CapturedOutput output) {
		Recorder throwing = new Recorder() {

			@Override
			public void onExited(PluginSupervisor plugin, PluginExit exit) {
				super.onExited(plugin, exit);
				if (error) {
					// as a class that cannot be loaded while out of descriptors
					throw new NoClassDefFoundError("observer broke");
				}
				throw new IllegalStateException("observer broke");
			}

		};
		PluginSupervisor supervisor = new PluginSupervisor("test",
				bash("exit 3")
					.withRestart(RestartPolicy.ON_FAILURE, Duration.ofMillis(50), Duration.ofMillis(100), 2, 1,
							Duration.ofMinutes(1))
					.withProcess(null, Map.of(), false),
				this.directory.resolve("test.in"), this.directory.resolve("test.out"), throwing);
		this.supervisors.add(supervisor);
		supervisor.start();
		await().atMost(WAIT).until(() -> supervisor.getState() == PluginState.FAILED);
		assertThat(throwing.exits).containsExactly("3:true", "3:false");
		assertThat(output.getAll())
			.containsPattern("ERROR.*Plug-in of channel 'test': handling its exit with code 3 failed; state")
			.contains("observer broke");
	}

	/**
	 * An observer given straight to the supervisor (not an application's bean, whose
	 * failures the channel logs) that throws on a start fails the start or restart that
	 * told it with an unchecked exception: a checked one it did not declare (a Kotlin
	 * observer, a sneaky throw) arrives as an {@link UndeclaredThrowableException}, where
	 * an {@link IllegalStateException} arrives as it is. Either way the process it was
	 * told of runs on, supervised.
	 */
	@ParameterizedTest(name = "undeclared checked exception: {0}")
	@ValueSource(booleans = { false, true })
	void aStartOrRestartWhoseObserverThrowsOnTheStartFailsUncheckedAndThePluginRunsOn(boolean checked) {
		Exception failure = checked ? new IOException("observer broke") : new IllegalStateException("observer broke");
		Recorder throwing = new Recorder() {

			@Override
			public void onStarted(PluginSupervisor plugin, long pid) {
				super.onStarted(plugin, pid);
				throw Undeclared.raise(failure);
			}

		};
		PluginSupervisor supervisor = new PluginSupervisor("test",
				bash("exec sleep 1000").withProcess(null, Map.of(), false), this.directory.resolve("test.in"),
				this.directory.resolve("test.out"), throwing);
		this.supervisors.add(supervisor);
		assertFailedUnchecked(supervisor::start, failure);
		assertThat(throwing.starts).hasSize(1);
		assertThat(supervisor.getState()).isEqualTo(PluginState.RUNNING);
		ProcessHandle first = supervisor.getProcess();
		assertThat(first.isAlive()).isTrue();
		assertFailedUnchecked(supervisor::restart, failure);
		assertThat(throwing.starts).hasSize(2);
		assertThat(throwing.exits).containsExactly("143:true");
		assertThat(supervisor.getState()).isEqualTo(PluginState.RUNNING);
		assertThat(supervisor.getProcess().pid()).isNotEqualTo(first.pid());
		supervisor.stop();
		assertThat(throwing.exits).containsExactly("143:true", "143:false");
	}

	/**
	 * A restart after the backoff runs on the supervisor's own thread: an observer that
	 * fails on it is logged, not kept by the executor where nobody sees it, and the
	 * instance runs on.
	 */
	@Test
	void anObserverThatFailsOnARestartAfterTheBackoffIsLogged(CapturedOutput output) throws Exception {
		Path crashed = this.directory.resolve("crashed");
		Recorder throwing = new Recorder() {

			@Override
			public void onStarted(PluginSupervisor plugin, long pid) {
				super.onStarted(plugin, pid);
				if (this.starts.size() == 2) {
					throw new IllegalStateException("observer broke on the restart");
				}
			}

		};
		// crashes once, then runs
		PluginSupervisor supervisor = new PluginSupervisor("test",
				bash("if [ -e '" + crashed + "' ]; then exec sleep 1000; fi; touch '" + crashed + "'; exit 3")
					.withRestart(RestartPolicy.ON_FAILURE, Duration.ofMillis(50), Duration.ofSeconds(1), 2, 5,
							Duration.ofMinutes(1))
					.withProcess(null, Map.of(), false),
				this.directory.resolve("test.in"), this.directory.resolve("test.out"), throwing);
		this.supervisors.add(supervisor);
		supervisor.start();
		await().atMost(WAIT).until(() -> output.toString().contains("its restart after the backoff failed"));
		assertThat(output).contains("Plug-in of channel 'test': its restart after the backoff failed; state RUNNING")
			.contains("IllegalStateException: observer broke on the restart");
		assertThat(throwing.starts).hasSize(2);
		assertThat(supervisor.getState()).isEqualTo(PluginState.RUNNING);
		assertThat(supervisor.getProcess().isAlive()).isTrue();
	}

	private static void assertFailedUnchecked(ThrowingCallable call, Exception failure) {
		if (failure instanceof RuntimeException) {
			assertThatThrownBy(call).isSameAs(failure);
		}
		else {
			assertThatThrownBy(call).isInstanceOf(UndeclaredThrowableException.class).cause().isSameAs(failure);
		}
	}

	/**
	 * The copy of the plug-in's stderr goes on when an observer given straight to the
	 * supervisor throws an {@link IOException} it did not declare: it is not taken for
	 * the end of the stderr, which would leave the plug-in to block on a full pipe or die
	 * of SIGPIPE at its next write.
	 */
	@Test
	void theStderrCopyGoesOnWhenAnObserverThrowsAnUndeclaredIOExceptionOnALine() {
		Recorder throwing = new Recorder() {

			@Override
			public void onStderrLine(PluginSupervisor plugin, String line) {
				super.onStderrLine(plugin, line);
				if (line.equals("first")) {
					throw Undeclared.raise(new IOException("observer broke"));
				}
			}

		};
		PluginSupervisor supervisor = new PluginSupervisor("test",
				bash("echo first >&2; echo last >&2; exec sleep 1000").withProcess(null, Map.of(), false),
				this.directory.resolve("test.in"), this.directory.resolve("test.out"), throwing);
		this.supervisors.add(supervisor);
		supervisor.start();
		await().atMost(WAIT).until(() -> throwing.lines.contains("last"));
		assertThat(throwing.lines).containsExactly("first", "last");
	}

	@Test
	void theHandoverRunsUnderTheSupervisorsLockAndTheObserverIsToldAfterItInOrder() {
		LockRecorder told = new LockRecorder();
		PluginSupervisor supervisor = new PluginSupervisor("test",
				bash("exit 3")
					.withRestart(RestartPolicy.ON_FAILURE, Duration.ofMillis(50), Duration.ofMillis(100), 2, 1,
							Duration.ofMinutes(1))
					.withProcess(null, Map.of(), false),
				this.directory.resolve("test.in"), this.directory.resolve("test.out"), told, told, (in, out) -> {
				});
		this.supervisors.add(supervisor);
		supervisor.start();
		await().atMost(WAIT).until(() -> supervisor.getState() == PluginState.FAILED && told.calls.size() >= 8);
		assertThat(told.calls).containsExactly("handover started, locked", "observer started",
				"handover exited 3, locked", "observer exited 3", "handover started, locked", "observer started",
				"handover exited 3, locked", "observer exited 3");
		assertThat(supervisor.getState()).isEqualTo(PluginState.FAILED);
	}

	/**
	 * A handover that fails on the start fails the restart with an unchecked exception: a
	 * checked one it did not declare (a Kotlin handover, a sneaky throw) arrives as an
	 * {@link UndeclaredThrowableException}.
	 */
	@ParameterizedTest(name = "undeclared checked exception: {0}")
	@ValueSource(booleans = { false, true })
	void aRestartWhoseHandoverFailsHasToldTheExitOfTheInstanceItStopped(boolean checked) {
		Exception failure = checked ? new IOException("handover broke") : new IllegalStateException("handover broke");
		AtomicBoolean refuse = new AtomicBoolean();
		PluginSupervisor supervisor = new PluginSupervisor("test",
				bash("exec sleep 60").withProcess(null, Map.of(), false), this.directory.resolve("test.in"),
				this.directory.resolve("test.out"), this.recorder, new PluginHandover() {

					@Override
					public void started(PluginSupervisor plugin, long pid) {
						if (refuse.get()) {
							throw Undeclared.raise(failure);
						}
					}

				}, (in, out) -> {
				});
		this.supervisors.add(supervisor);
		supervisor.start();
		assertThat(this.recorder.starts).hasSize(1);
		refuse.set(true);
		assertFailedUnchecked(supervisor::restart, failure);
		// the instance it stopped is gone, and nothing else is to tell its exit
		assertThat(List.copyOf(this.recorder.exits)).containsExactly("143:true");
	}

	/**
	 * Records what the supervisor calls as observer and as handover, and whether it held
	 * its lock then.
	 */
	static class LockRecorder implements PluginObserver, PluginHandover {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Override
		public void onStarted(PluginSupervisor plugin, long pid) {
			record(plugin, "observer started");
		}

		@Override
		public void onExited(PluginSupervisor plugin, PluginExit exit) {
			record(plugin, "observer exited " + exit.code());
		}

		@Override
		public void started(PluginSupervisor plugin, long pid) {
			record(plugin, "handover started");
		}

		@Override
		public void exited(PluginSupervisor plugin, PluginExit exit) {
			record(plugin, "handover exited " + exit.code());
		}

		private void record(PluginSupervisor plugin, String call) {
			this.calls.add(call + (Thread.holdsLock(plugin) ? ", locked" : ""));
		}

	}

	@Test
	void twoRestartsAtOnceEndTheInstanceOnceAndLaunchOneMore() throws Exception {
		// It ignores SIGTERM, saying so, for longer than the test runs: each restart
		// waits for it until the test kills it.
		PluginSupervisor supervisor = supervise(
				bash("trap 'echo term >&2' TERM; echo ready >&2; while :; do sleep 0.05; done")
					.withStopTimeout(Duration.ofSeconds(60)));
		await().atMost(WAIT).until(() -> this.recorder.lines.contains("ready"));
		ProcessHandle first = ProcessHandle.of(Objects.requireNonNull(supervisor.getPid())).orElseThrow();
		Thread one = new Thread(supervisor::restart, "restart-one");
		Thread other = new Thread(supervisor::restart, "restart-other");
		try {
			one.start();
			await().atMost(WAIT).until(() -> terms() == 1);
			other.start();
			// the second restart took the same instance and asked it to end too
			await().atMost(WAIT).until(() -> terms() == 2);
			assertThat(first.isAlive()).isTrue();
		}
		finally {
			first.destroyForcibly();
		}
		one.join(WAIT.toMillis());
		other.join(WAIT.toMillis());
		assertThat(one.isAlive() || other.isAlive()).isFalse();
		assertThat(List.copyOf(this.recorder.exits)).containsExactly("137:true");
		// killed by the test, but the restarts ended it
		assertThat(this.recorder.reasons).containsExactly(PluginExit.Reason.RESTARTED);
		assertThat(this.recorder.starts).hasSize(2);
		assertThat(supervisor.getState()).isEqualTo(PluginState.RUNNING);
		assertThat(ProcessHandle.of(Objects.requireNonNull(supervisor.getPid())))
			.hasValueSatisfying((process) -> assertThat(process.isAlive()).isTrue());
		supervisor.stop(Duration.ofMillis(100));
	}

	private long terms() {
		return this.recorder.lines.stream().filter("term"::equals).count();
	}

	@Test
	void cleanExitIsNotRestartedOnFailurePolicy() {
		PluginSupervisor supervisor = supervise(bash("exit 0"));
		await().atMost(WAIT)
			.until(() -> supervisor.getState() == PluginState.STOPPED && !this.recorder.exits.isEmpty());
		assertThat(this.recorder.exits).containsExactly("0:false");
		assertThat(supervisor.getRestarts()).isZero();
	}

	@Test
	void alwaysPolicyRestartsAfterACleanExit() {
		PluginSupervisor supervisor = supervise(bash("exit 0").withRestart(RestartPolicy.ALWAYS, Duration.ofMillis(50),
				Duration.ofMillis(100), 2, 2, Duration.ofMinutes(1)));
		await().atMost(WAIT).until(() -> supervisor.getState() == PluginState.FAILED);
		assertThat(this.recorder.starts).hasSize(3);
	}

	@Test
	void stderrLinesAndEnvironmentReachTheObserverCutToABoundedLength() {
		supervise(bash("echo \"channel=$PIPE_IO_CHANNEL extra=$EXTRA in=$PIPE_IO_IN\" >&2; echo two >&2;"
				+ " head -c 10000 /dev/zero | tr '\\0' x >&2; echo >&2; echo last >&2")
			.withRestart(RestartPolicy.NEVER, Duration.ofMillis(100), Duration.ofMillis(100), 1, 0,
					Duration.ofMinutes(1)));
		await().atMost(WAIT).until(() -> this.recorder.lines.contains("last"));
		assertThat(this.recorder.lines).hasSize(4);
		assertThat(this.recorder.lines.get(0))
			.isEqualTo("channel=test extra=x in=" + this.directory.resolve("test.in"));
		assertThat(this.recorder.lines.get(1)).isEqualTo("two");
		assertThat(this.recorder.lines.get(2)).startsWith("x".repeat(StderrPump.MAX_LINE_BYTES))
			.endsWith("[...cut at 4096 bytes]")
			.hasSizeLessThan(StderrPump.MAX_LINE_BYTES + 100);
	}

	@Test
	void pluginThatIgnoresSigtermIsKilledAfterTheStopTimeout(CapturedOutput output) {
		PluginSupervisor supervisor = supervise(bash("trap '' TERM; echo ready >&2; while true; do sleep 0.2; done")
			.withStopTimeout(Duration.ofMillis(500)));
		await().atMost(WAIT).until(() -> this.recorder.lines.contains("ready"));
		ProcessHandle process = supervisor.getProcess();
		long started = System.nanoTime();
		supervisor.stop();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
		assertThat(process.isAlive()).isFalse();
		assertThat(supervisor.getLastExitCode()).isEqualTo(128 + 9);
		assertThat(supervisor.getState()).isEqualTo(PluginState.STOPPED);
		assertThat(this.recorder.exits).containsExactly("137:false");
		assertThat(supervisor.getLastExit()).isEqualTo(new PluginExit(137, PluginExit.Reason.STOPPED, false));
		assertThat(output).contains("Plug-in of channel 'test' did not end within 500 ms of SIGTERM and was killed"
				+ " (SIGKILL); still running were " + process.pid() + " (bash, ");
	}

	@Test
	void pluginThatEndsOnSigtermIsStoppedWithoutAWarning(CapturedOutput output) {
		// Long: a busy host may hold a process in the kernel (state D) for seconds.
		PluginSupervisor supervisor = supervise(
				bash("echo ready >&2; sleep 1000").withStopTimeout(Duration.ofSeconds(60)));
		await().atMost(WAIT).until(() -> this.recorder.lines.contains("ready"));
		supervisor.stop();
		assertThat(supervisor.getLastExitCode()).isEqualTo(128 + 15);
		assertThat(output).doesNotContain("was killed");
	}

	@Test
	void childrenAndGrandchildrenAreGoneAfterStop() {
		PluginSupervisor supervisor = supervise(
				bash("sleep 1000 & (trap '' TERM; sleep 1000; true) & " + "echo started >&2; wait")
					.withStopTimeout(Duration.ofMillis(500)));
		await().atMost(WAIT)
			.until(() -> this.recorder.lines.contains("started") && supervisor.getProcess().descendants().count() >= 3);
		List<ProcessHandle> tree = new ArrayList<>(supervisor.getProcess().descendants().toList());
		tree.add(supervisor.getProcess());
		supervisor.stop();
		await().atMost(WAIT).untilAsserted(() -> assertThat(tree).noneMatch(ProcessHandle::isAlive));
	}

	@Test
	void aPluginThatExitsWhileTheJvmShutsDownIsNotRestarted() throws Exception {
		// 137: killed; stopped with the application, not restarted
		assertThat(exitDuringShutdown("killed")).contains("exited 137 restart=false STOPPED");
	}

	@ParameterizedTest(name = "exit code {0}")
	@ValueSource(ints = { 130, 143, 129 })
	void aPluginThatExitsOnASignalToTheGroupJustBeforeTheJvmShutsDownIsNotRestarted(int code) throws Exception {
		// as on SIGINT (Ctrl-C), SIGTERM (to the whole group, as systemd stops a service)
		// or SIGHUP, seen a moment before the shutdown begins
		assertThat(exitDuringShutdown("first", Integer.toString(code)))
			.contains("exited " + code + " restart=false STOPPED");
	}

	/** Run {@link ExitDuringShutdownMain} in a JVM of its own; its output. */
	private String exitDuringShutdown(String... mode) throws Exception {
		String java = ProcessHandle.current().info().command().orElseThrow();
		List<String> command = new ArrayList<>(
				List.of(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
						ExitDuringShutdownMain.class.getName(), this.directory.toString()));
		command.addAll(List.of(mode));
		Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(jvm.waitFor()).as(output).isZero();
		return output;
	}

	@Test
	void restartStopsTheRunningProcessAndStartsANewOne() {
		PluginSupervisor supervisor = supervise(bash("echo up >&2; exec sleep 1000"));
		await().atMost(WAIT)
			.until(() -> this.recorder.starts.size() == 1 && supervisor.getState() == PluginState.RUNNING);
		ProcessHandle first = supervisor.getProcess();
		supervisor.restart();
		assertThat(first.isAlive()).isFalse();
		assertThat(this.recorder.starts).hasSize(2);
		assertThat(supervisor.getProcess().pid()).isNotEqualTo(first.pid());
		assertThat(supervisor.getRestarts()).isEqualTo(1);
		assertThat(this.recorder.exits).containsExactly("143:true");
	}

	@Test
	void aWorkingDirectoryGoneBeforeARestartIsNamedAsTheReasonItCannotStart() throws Exception {
		Path workingDirectory = Files.createDirectory(this.directory.resolve("work"));
		PluginSupervisor supervisor = new PluginSupervisor("test",
				bash("exit 3").withProcess(workingDirectory, Map.of(), false)
					.withRestart(RestartPolicy.ON_FAILURE, Duration.ofMillis(50), Duration.ofMillis(50), 1, 2,
							Duration.ofMinutes(1)),
				this.directory.resolve("test.in"), this.directory.resolve("test.out"), this.recorder);
		this.supervisors.add(supervisor);
		Files.delete(workingDirectory);
		supervisor.start();
		await().atMost(WAIT).until(() -> supervisor.getState() == PluginState.FAILED);
		assertThat(this.recorder.lines).isNotEmpty()
			.allSatisfy((line) -> assertThat(line).contains(
					"its working directory " + workingDirectory + " is not a directory (plugin.working-directory)"));
	}

	@Test
	void stdioPluginIsNotLaunchedOnARegularFileAtAPipePath() throws Exception {
		Path in = Files.writeString(this.directory.resolve("test.in"), "precious\n");
		Files.writeString(this.directory.resolve("test.out"), "");
		PluginSupervisor supervisor = new PluginSupervisor("test",
				bash("echo never >&2").withRestart(RestartPolicy.ON_FAILURE, Duration.ofMillis(50),
						Duration.ofMillis(50), 1, 1, Duration.ofMinutes(1)),
				in, this.directory.resolve("test.out"), this.recorder);
		this.supervisors.add(supervisor);
		supervisor.start();
		await().atMost(WAIT).until(() -> supervisor.getState() == PluginState.FAILED);
		assertThat(this.recorder.starts).isEmpty();
		assertThat(this.recorder.lines)
			.contains("pipe-io cannot start the plug-in: " + in + " is a regular file, not a FIFO")
			.doesNotContain("never");
		assertThat(Files.readString(in)).isEqualTo("precious\n");
	}

	@Test
	void aPipeSwappedForALinkWhileThePluginStartsIsNeverOpenedThroughIt() throws Exception {
		Path precious = Files.writeString(this.directory.resolve("precious.txt"), "keep me\n");
		Path in = this.directory.resolve("test.in");
		Path out = this.directory.resolve("test.out");
		Path fifoIn = this.directory.resolve("fifo.in");
		Path fifoOut = this.directory.resolve("fifo.out");
		Process mkfifo = new ProcessBuilder("mkfifo", fifoIn.toString(), fifoOut.toString()).start();
		assertThat(mkfifo.waitFor()).isZero();
		// Read-write holders: opening either end of the FIFOs never waits.
		try (FileChannel holdIn = FileChannel.open(fifoIn, StandardOpenOption.READ, StandardOpenOption.WRITE);
				FileChannel holdOut = FileChannel.open(fifoOut, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			AtomicBoolean swapping = new AtomicBoolean(true);
			Thread swapper = new Thread(() -> {
				Path fifoLink = this.directory.resolve("fifo.link");
				Path badLink = this.directory.resolve("bad.link");
				while (swapping.get()) {
					try {
						// The pipes are FIFOs (other names of them) and links to a file,
						// by turns.
						Files.deleteIfExists(fifoLink);
						Files.createLink(fifoLink, fifoIn);
						Files.move(fifoLink, in, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
						Files.deleteIfExists(fifoLink);
						Files.createLink(fifoLink, fifoOut);
						Files.move(fifoLink, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
						Files.deleteIfExists(badLink);
						Files.createSymbolicLink(badLink, precious);
						Files.move(badLink, in, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
					}
					catch (IOException ex) {
						// go on swapping
					}
				}
			});
			swapper.start();
			try {
				PluginSupervisor supervisor = new PluginSupervisor("test",
						bash("exit 0").withRestart(RestartPolicy.ALWAYS, Duration.ofMillis(1), Duration.ofMillis(1),
								1.0, 100_000, Duration.ofMinutes(10)),
						in, out, this.recorder);
				this.supervisors.add(supervisor);
				supervisor.start();
				await().atMost(WAIT).until(() -> this.recorder.exits.size() >= 200);
				supervisor.stop();
			}
			finally {
				swapping.set(false);
				swapper.join();
			}
		}
		assertThat(precious).hasContent("keep me");
		assertThat(this.recorder.lines).anyMatch((line) -> line.contains("is a symbolic link"));
	}

	static class Recorder implements PluginObserver {

		final List<Long> starts = new CopyOnWriteArrayList<>();

		final List<String> exits = new CopyOnWriteArrayList<>();

		final List<PluginExit.Reason> reasons = new CopyOnWriteArrayList<>();

		final List<String> lines = new CopyOnWriteArrayList<>();

		@Override
		public void onStarted(PluginSupervisor plugin, long pid) {
			this.starts.add(System.nanoTime());
		}

		@Override
		public void onExited(PluginSupervisor plugin, PluginExit exit) {
			this.exits.add(exit.code() + ":" + exit.willRestart());
			this.reasons.add(exit.reason());
		}

		@Override
		public void onStderrLine(PluginSupervisor plugin, String line) {
			this.lines.add(line);
		}

	}

}
