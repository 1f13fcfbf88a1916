package io.pipeio.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The throughput and latency test: starts one pinned server per variant, warms each up,
 * then in every run measures 100-byte throughput, 1000-byte throughput and ping-pong
 * latency of each variant with the same load client; the same again with fresh servers as
 * many times as there are server JVMs per variant. Then ping-pong again with servers and
 * a load client that are not pinned ({@link UnpinnedPingPong}). The last pinned servers
 * stay up afterwards for the memory test.
 *
 * @author pipe-io
 */
final class ThroughputMeasurement {

	private final RunSettings settings;

	private final ServerLauncher launcher;

	private final LoadClient load;

	private final LoadClient unpinnedLoad;

	private final Map<Variant, ServerProcess> servers;

	private final ThroughputResults results;

	/**
	 * @param settings the run's settings
	 * @param launcher starts the servers
	 * @param load the load client
	 * @param unpinnedLoad the load client of the ping-pong without pinning
	 * @param servers where the started servers go, by variant (the harness stops them)
	 */
	ThroughputMeasurement(RunSettings settings, ServerLauncher launcher, LoadClient load, LoadClient unpinnedLoad,
			Map<Variant, ServerProcess> servers) {
		this.settings = settings;
		this.launcher = launcher;
		this.load = load;
		this.unpinnedLoad = unpinnedLoad;
		this.servers = servers;
		this.results = new ThroughputResults(settings.variants, settings.forks, settings.runs);
	}

	/**
	 * Measure, print the main table, and add the section and the throughput and latency
	 * targets to the report.
	 * @param report the report
	 * @return the results, for the rows that compare them with later steps
	 * @throws Exception if a server cannot be started or fails its warm-up
	 */
	ThroughputResults run(Report report) throws Exception {
		System.out.println();
		System.out.println("== Throughput and latency ==");
		for (int fork = 0; fork < this.settings.forks; fork++) {
			// The last JVMs stay up for the footprint and the memory test.
			this.servers.values().forEach(ServerProcess::close);
			this.servers.clear();
			for (Variant variant : this.settings.variants) {
				startAndWarmUp(variant, fork);
			}
			for (int run = 0; run < this.settings.runs; run++) {
				runOnce(fork * this.settings.runs + run);
			}
		}
		for (Variant variant : this.settings.variants) {
			ServerProcess server = this.servers.get(variant);
			this.results.footprint(variant, ProcStatus.of(server.pid()),
					variant.isJava() ? server.command("info", Duration.ofSeconds(30)) : null);
		}
		new UnpinnedPingPong(this.settings, this.launcher, this.unpinnedLoad, this.results).run();
		System.out.println();
		String table = this.results.mainTable();
		System.out.println(table);
		String engines = new EngineComparison(this.results, this.settings.variants).table();
		System.out.println(engines);
		String cpu = this.results.cpuTable();
		System.out.println(cpu);
		report.append("## Throughput and latency\n\n").append(table).append("\n");
		if (!engines.isEmpty()) {
			report.append(engines).append("\n");
		}
		report.append(cpu).append("\n");
		report.append(this.results.rawRunsTable()).append("\n");
		report.append(this.results.footprintTable()).append("\n");
		this.results.addTargets(report);
		return this.results;
	}

	/** Measure every variant once, in an order rotated by the run's index. */
	private void runOnce(int index) {
		List<Variant> order = this.settings.orderOfRun(index);
		for (Variant variant : order) {
			measure(variant, "throughput", this.settings.lines100, 100, Metric.TP100);
		}
		for (Variant variant : order) {
			measure(variant, "throughput", this.settings.lines1000, 1000, Metric.TP1000);
		}
		for (Variant variant : order) {
			measure(variant, "pingpong", this.settings.roundtrips, 100, null);
		}
	}

	/**
	 * Start a server and let the JIT compile its hot paths, so the runs measure steady
	 * state.
	 */
	private void startAndWarmUp(Variant variant, int fork) throws Exception {
		String tag = RunSettings.forkTag(fork);
		System.out.printf("Starting %-17s ... ", variant.id + tag);
		ServerProcess server = this.launcher.start(variant, tag, List.of(), true);
		this.servers.put(variant, server);
		this.launcher.awaitReady(server, Duration.ofSeconds(120));
		System.out.printf(Locale.ROOT, "ready after %.1f s; warming up ... ", server.nanosSinceLaunch() / 1e9);
		long warmup = this.settings.warmupLines;
		for (int i = 0; i < 2; i++) {
			this.load.run("throughput", server, warmup, 100, LoadClient.throughputTimeout(warmup));
		}
		this.load.run("throughput", server, Math.max(1, warmup / 5), 1000, LoadClient.throughputTimeout(warmup / 5));
		this.load.run("pingpong", server, Math.min(2_000, this.settings.roundtrips), 100, Duration.ofSeconds(120));
		System.out.println("done");
	}

	/**
	 * One measurement of one variant. A failure is recorded as NaN and the run goes on,
	 * so one broken variant still leaves the others' numbers.
	 * @param metric the throughput metric, or null for ping-pong (which gives p50 and
	 * p99)
	 */
	private void measure(Variant variant, String mode, long count, int size, Metric metric) {
		ServerProcess server = this.servers.get(variant);
		try {
			long switchesBefore = ProcStatus.contextSwitches(server.pid());
			long cpuBefore = ProcStatus.cpuMillis(server.pid());
			Map<String, String> result = this.load.run(mode, server, count, size, mode.equals("throughput")
					? LoadClient.throughputTimeout(count) : LoadClient.pingpongTimeout(count));
			long switches = ProcStatus.contextSwitches(server.pid()) - switchesBefore;
			long cpuMillis = ProcStatus.cpuMillis(server.pid()) - cpuBefore;
			if (metric == Metric.TP100) {
				this.results.add(variant, Metric.CSW100, switches * 1000.0 / count);
				this.results.add(variant, Metric.CPU100, cpuMillis * 1e6 / count);
			}
			if (metric != null) {
				double rate = Double.parseDouble(result.get("msg_per_s"));
				this.results.add(variant, metric, rate);
				System.out.printf(Locale.ROOT, "  %-17s %5d B  %,13.0f msg/s  (%.2f s)%n", variant.id, size, rate,
						Double.parseDouble(result.get("elapsed_s")));
			}
			else {
				double p50 = Double.parseDouble(result.get("p50_us"));
				double p99 = Double.parseDouble(result.get("p99_us"));
				this.results.add(variant, Metric.P50, p50);
				this.results.add(variant, Metric.P99, p99);
				System.out.printf(Locale.ROOT, "  %-17s ping-pong p50 %7.1f us  p99 %7.1f us%n", variant.id, p50, p99);
			}
		}
		catch (Exception ex) {
			System.out.println("  " + variant.id + " " + mode + " " + size + " B FAILED: " + ex.getMessage());
			if (metric != null) {
				this.results.add(variant, metric, Double.NaN);
				if (metric == Metric.TP100) {
					this.results.add(variant, Metric.CSW100, Double.NaN);
					this.results.add(variant, Metric.CPU100, Double.NaN);
				}
			}
			else {
				this.results.add(variant, Metric.P50, Double.NaN);
				this.results.add(variant, Metric.P99, Double.NaN);
			}
		}
	}

}
