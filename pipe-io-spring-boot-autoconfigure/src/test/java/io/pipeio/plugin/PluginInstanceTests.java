package io.pipeio.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PluginInstance} ends what an exited process left running with as few scans of
 * {@code /proc} as it can: every exit of every plug-in pays for them, each reading the
 * environment of every process of the user.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class PluginInstanceTests {

	private static final Duration GRACE = Duration.ofMillis(200);

	@TempDir
	Path directory;

	private final AtomicInteger scans = new AtomicInteger();

	/** Counts the scans, each as the plug-in's own. */
	private final Function<String, Set<ProcessHandle>> counting = (mark) -> {
		this.scans.incrementAndGet();
		return InstanceMarks.find(mark);
	};

	@AfterEach
	void killLeftover() throws Exception {
		Path pid = leftoverPid();
		if (Files.exists(pid)) {
			ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(ProcessHandle::destroyForcibly);
		}
	}

	@Test
	void anExitThatLeftNothingRunningScansOnce(CapturedOutput output) throws Exception {
		PluginInstance instance = exited("exit 0");
		instance.endLeftovers(GRACE, this.counting);
		assertThat(this.scans).hasValue(1);
		assertThat(output).doesNotContain("exited and left");
	}

	@Test
	void whatAnExitLeftRunningAndEndsOnSigtermIsEndedAsTheFirstScanFoundIt(CapturedOutput output) throws Exception {
		PluginInstance instance = exited(leaveRunning(""));
		ProcessHandle leftover = leftover();
		instance.endLeftovers(GRACE, this.counting);
		assertThat(ExitWatch.hasExited(leftover)).isTrue();
		assertThat(output).contains("exited and left " + leftover.pid());
		// A host so busy that even a sleep outlived the grace scans once more, before the
		// SIGKILL.
		assertThat(this.scans).hasValue(output.toString().contains("(SIGKILL)") ? 2 : 1);
	}

	@Test
	void whatAnExitLeftRunningAndIgnoresSigtermIsScannedForAgainBeforeTheSigkill(CapturedOutput output)
			throws Exception {
		PluginInstance instance = exited(leaveRunning("trap '' TERM; "));
		ProcessHandle leftover = leftover();
		instance.endLeftovers(GRACE, this.counting);
		assertThat(ExitWatch.hasExited(leftover)).isTrue();
		assertThat(output).contains("ended them, killing " + leftover.pid());
		assertThat(this.scans).hasValue(2);
	}

	/** A script that leaves a sleep running, its pid written down, and exits. */
	private String leaveRunning(String before) {
		// the sleep's standard streams are not the plug-in's: its stderr copy ends
		return before + "sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > " + leftoverPid() + "; exit 0";
	}

	/** Launch a plug-in and wait for its process to exit. */
	private PluginInstance exited(String script) throws Exception {
		PluginInstance instance = PluginInstance.launch("test",
				PluginSettings.of(List.of("bash", "-c", script)).withProcess(null, Map.of(), false),
				this.directory.resolve("test.in"), this.directory.resolve("test.out"), (in, out) -> {
				}, (line) -> {
				});
		assertThat(instance.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
		return instance;
	}

	private ProcessHandle leftover() throws Exception {
		return ProcessHandle.of(Long.parseLong(Files.readString(leftoverPid()).trim())).orElseThrow();
	}

	private Path leftoverPid() {
		return this.directory.resolve("leftover.pid");
	}

}
