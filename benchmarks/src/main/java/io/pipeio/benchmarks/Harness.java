package io.pipeio.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code run} sub-command: measures, side by side and in one run, the C echo (the OS
 * limit), the pipe-io engine alone and the full Spring path (byte[] with metrics on and
 * off, String), each with the thread engine and the event loop, all driven by the same C
 * load client in a separate process, pinned and not pinned; then the heap growth while a
 * 16 MiB line is echoed, the per-line CPU cost of the listener dispatch with and without
 * metrics (JMH), and the start time and footprint of many channels in one JVM, per
 * engine. This class only puts the steps in order and cleans up:
 * {@link ThroughputMeasurement}, {@link MemoryMeasurement},
 * {@link DispatchCostMeasurement} and {@link ScaleMeasurement} measure, {@link Report}
 * writes the results.
 *
 * @author pipe-io
 */
final class Harness {

	private final RunSettings settings;

	/** The throughput servers, kept running for the memory test. */
	private final Map<Variant, ServerProcess> servers = new EnumMap<>(Variant.class);

	/**
	 * Set once the C programs are compiled; read by the shutdown hook, hence volatile.
	 */
	private volatile ServerLauncher launcher;

	Harness(List<String> args) {
		this.settings = new RunSettings(args);
	}

	int run() throws Exception {
		// Ctrl-C must not leave servers behind holding CPUs and FIFOs.
		Thread hook = new Thread(this::killServers, "harness-shutdown");
		Runtime.getRuntime().addShutdownHook(hook);
		Path workDir = Files.createTempDirectory("pipe-io-bench-");
		long started = System.nanoTime();
		try {
			String machine = MachineDescription.describe();
			System.out.println(machine);
			CPrograms programs = CPrograms.compile(this.settings.benchmarksDir, this.settings.targetDir);
			CpuPinning pinning = new CpuPinning(this.settings.pin);
			pinning.check();
			String settingsLine = this.settings.describe(pinning);
			System.out.println(settingsLine);
			LoadClient load = new LoadClient(programs.load(), pinning, workDir);
			this.launcher = new ServerLauncher(programs.echo(), this.settings.serverJvmArgs, workDir,
					this.settings.logDir, pinning, load);
			Report report = new Report(this.settings);
			LoadClient unpinnedLoad = new LoadClient(programs.load(), new CpuPinning(false), workDir);
			ThroughputResults throughput = new ThroughputMeasurement(this.settings, this.launcher, load, unpinnedLoad,
					this.servers)
				.run(report);
			if (!this.settings.skipMemory) {
				new MemoryMeasurement(this.servers, load).run(report);
			}
			stopServers();
			// With the servers gone, so the JMH fork has the machine to itself.
			if (!this.settings.skipDispatch) {
				new DispatchCostMeasurement(this.settings.quick).run(report,
						throughput.median(Variant.SPRING_NO_METRICS, Metric.TP100));
			}
			// After the JMH row, so all metrics cost rows stand together in the targets
			// table.
			throughput.addMetricsOnOffRows(report);
			if (!this.settings.skipScale) {
				new ScaleMeasurement(this.settings, this.launcher, unpinnedLoad).run(report);
			}
			report.write(machine, settingsLine, (System.nanoTime() - started) / 1e9);
			return 0;
		}
		finally {
			stopServers();
			deleteRecursively(workDir);
			Runtime.getRuntime().removeShutdownHook(hook);
		}
	}

	private void stopServers() {
		for (ServerProcess server : this.servers.values()) {
			server.close();
		}
		this.servers.clear();
	}

	private void killServers() {
		ServerLauncher launcher = this.launcher;
		if (launcher != null) {
			launcher.killAll();
		}
	}

	private static void deleteRecursively(Path root) {
		if (root == null || !Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			// Deepest first, so every directory is empty when its turn comes.
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// Best effort.
				}
			});
		}
		catch (IOException ex) {
			// Best effort.
		}
	}

}
