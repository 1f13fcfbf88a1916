package io.pipeio.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Ping-pong latency without CPU pinning: a fresh server per variant, started without
 * {@code taskset} (so a JVM sees every CPU and sizes its GC and JIT for them), and a load
 * client that is not pinned either; both go wherever the scheduler puts them. Each server
 * is warmed up like the throughput servers, then every run measures every variant once,
 * in a rotated order. The values go to {@link Metric#P50_UNPINNED} and
 * {@link Metric#P99_UNPINNED} next to the pinned ones.
 *
 * @author pipe-io
 */
final class UnpinnedPingPong {

	private final RunSettings settings;

	private final ServerLauncher launcher;

	private final LoadClient load;

	private final ThroughputResults results;

	/**
	 * @param settings the run's settings
	 * @param launcher starts the servers
	 * @param load a load client that is not pinned
	 * @param results where the values go
	 */
	UnpinnedPingPong(RunSettings settings, ServerLauncher launcher, LoadClient load, ThroughputResults results) {
		this.settings = settings;
		this.launcher = launcher;
		this.load = load;
		this.results = results;
	}

	/**
	 * Start the servers, measure, stop them. A variant that fails to start or to answer
	 * is recorded as NaN and the others go on.
	 */
	void run() {
		System.out.println();
		System.out.println("== Ping-pong, not pinned ==");
		try {
			for (int fork = 0; fork < this.settings.forks; fork++) {
				runServers(fork);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** One set of servers, one per variant: start, measure, stop. */
	private void runServers(int fork) throws InterruptedException {
		Map<Variant, ServerProcess> servers = new LinkedHashMap<>();
		try {
			for (Variant variant : this.settings.variants) {
				try {
					servers.put(variant, startAndWarmUp(variant, fork));
				}
				catch (Exception ex) {
					System.out.println("  " + variant.id + " FAILED to start: " + ex.getMessage());
				}
			}
			// A JVM goes on compiling for a moment after its warm-up; that must not be
			// measured with the next server.
			Thread.sleep(2000);
			for (int run = 0; run < this.settings.runs; run++) {
				for (Variant variant : this.settings.orderOfRun(fork * this.settings.runs + run)) {
					measure(variant, servers.get(variant));
				}
			}
		}
		finally {
			servers.values().forEach(ServerProcess::close);
		}
	}

	private ServerProcess startAndWarmUp(Variant variant, int fork) throws Exception {
		String tag = "-unpinned" + RunSettings.forkTag(fork);
		System.out.printf("Starting %-17s not pinned ... ", variant.id + RunSettings.forkTag(fork));
		ServerProcess server = this.launcher.start(variant, tag, List.of(), false);
		try {
			this.launcher.awaitReady(server, Duration.ofSeconds(120));
			long warmup = this.settings.warmupLines;
			for (int i = 0; i < 2; i++) {
				this.load.run("throughput", server, warmup, 100, LoadClient.throughputTimeout(warmup));
			}
			this.load.run("pingpong", server, Math.min(2_000, this.settings.roundtrips), 100, Duration.ofSeconds(120));
			System.out.println("warmed up");
			return server;
		}
		catch (Exception ex) {
			server.close();
			throw ex;
		}
	}

	private void measure(Variant variant, ServerProcess server) {
		try {
			if (server == null) {
				throw new IllegalStateException("not started");
			}
			Map<String, String> result = this.load.run("pingpong", server, this.settings.roundtrips, 100,
					LoadClient.pingpongTimeout(this.settings.roundtrips));
			double p50 = Double.parseDouble(result.get("p50_us"));
			double p99 = Double.parseDouble(result.get("p99_us"));
			this.results.add(variant, Metric.P50_UNPINNED, p50);
			this.results.add(variant, Metric.P99_UNPINNED, p99);
			System.out.printf(Locale.ROOT, "  %-17s ping-pong p50 %7.1f us  p99 %7.1f us (not pinned)%n", variant.id,
					p50, p99);
		}
		catch (Exception ex) {
			System.out.println("  " + variant.id + " ping-pong not pinned FAILED: " + ex.getMessage());
			this.results.add(variant, Metric.P50_UNPINNED, Double.NaN);
			this.results.add(variant, Metric.P99_UNPINNED, Double.NaN);
		}
	}

}
