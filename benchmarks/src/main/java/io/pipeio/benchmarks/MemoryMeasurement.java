package io.pipeio.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The memory test: how much the heap of a Java server grows while it echoes one 16 MiB
 * line, in multiples of the line. Uses the servers the throughput test left running
 * (warm, so the JIT and start-up garbage do not count) and their {@code mem-reset} /
 * {@code mem-report} commands.
 *
 * @author pipe-io
 */
final class MemoryMeasurement {

	private static final int LINE_16_MIB = 16 * 1024 * 1024;

	/** An odd count, so the median is one of the measured echoes. */
	private static final int REPETITIONS = 3;

	private final Map<Variant, ServerProcess> servers;

	private final LoadClient load;

	/**
	 * @param servers the running servers, by variant; variants without one are skipped
	 * @param load the load client
	 */
	MemoryMeasurement(Map<Variant, ServerProcess> servers, LoadClient load) {
		this.servers = servers;
		this.load = load;
	}

	/**
	 * Measure, print, and add the section and the targets to the report.
	 * @param report the report
	 */
	void run(Report report) {
		System.out.println();
		System.out.println("== Memory: one 16 MiB line echoed ==");
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "variant", "heap growth (peak − baseline)", "× line", "upper bound (pool peaks)",
				"× line", "allocated by pipe-io threads", "× line", "GCs", "echo time" });
		for (Variant variant : List.of(Variant.ENGINE, Variant.SPRING, Variant.SPRING_STRING)) {
			ServerProcess server = this.servers.get(variant);
			if (server == null) {
				continue;
			}
			try {
				long[] median = measure(variant, server);
				rows.add(new String[] { variant.label, Formats.mib(median[0] / 1024), times(median[0]),
						Formats.mib(median[1] / 1024), times(median[1]), Formats.mib(median[2] / 1024),
						times(median[2]), Long.toString(median[3]), median[4] + " ms" });
				if (variant == Variant.ENGINE || variant == Variant.SPRING) {
					report.target("16 MiB line, peak heap growth, " + variant.id, times(median[0]) + " × line", "< 3 ×",
							median[0] < 3L * LINE_16_MIB);
				}
			}
			catch (Exception ex) {
				System.out.println("  " + variant.id + " memory test FAILED: " + ex.getMessage());
				rows.add(new String[] { variant.label, "FAILED", "", "", "", "", "", "", "" });
			}
		}
		String table = Formats.markdown(rows, 1, 2, 3, 4, 5, 6, 7, 8);
		report.append("## Memory: one 16 MiB line echoed\n\n")
			.append(table)
			.append("\nMethod: in the server process (max message size 32 MB), `mem-reset` runs System.gc() twice,"
					+ " takes the used heap (sum of the heap memory pools) as baseline, resets the pools' peak usage"
					+ " and starts a 1 ms sampler; the load client then sends one line of 16,777,216 bytes and waits"
					+ " for its echo; `mem-report` gives the peak used heap (the highest of the sampler's readings and"
					+ " of the heap usage before each GC, from GC notifications) and the sum of the pools' peaks (an"
					+ " upper bound: pools may peak at different moments). Garbage counts until a GC frees it."
					+ " \"Allocated\" is what the pipe-io reader and writer threads allocated meanwhile"
					+ " (com.sun.management.ThreadMXBean#getThreadAllocatedBytes), garbage included. Median of 3"
					+ " echoes after an untimed one; default JVM settings (G1, heap sized by the JVM).\n\n");
	}

	/**
	 * Echo the line {@link #REPETITIONS} times after an untimed one and print the result.
	 * @return the echo with the median heap growth: heap growth, pool-peak growth, bytes
	 * allocated by the pipe-io threads, GCs, echo milliseconds
	 */
	private long[] measure(Variant variant, ServerProcess server) throws Exception {
		// Untimed: one-off costs of the first large line (class loading, JIT) would
		// otherwise count.
		this.load.run("throughput", server, 1, LINE_16_MIB, Duration.ofSeconds(120));
		List<long[]> measured = new ArrayList<>();
		for (int i = 0; i < REPETITIONS; i++) {
			server.command("mem-reset", Duration.ofSeconds(60));
			Map<String, String> echo = this.load.run("throughput", server, 1, LINE_16_MIB, Duration.ofSeconds(120));
			Map<String, String> mem = Shell.pairs(server.command("mem-report", Duration.ofSeconds(60)));
			long baseline = Long.parseLong(mem.get("baseline"));
			measured.add(new long[] { Long.parseLong(mem.get("peak")) - baseline,
					Long.parseLong(mem.get("peak_pools")) - baseline, Long.parseLong(mem.get("allocated")),
					Long.parseLong(mem.get("gcs")), Math.round(Double.parseDouble(echo.get("elapsed_s")) * 1000) });
		}
		measured.sort(Comparator.comparingLong((long[] m) -> m[0]));
		long[] median = measured.get(measured.size() / 2);
		String growths = measured.stream().map((m) -> times(m[0])).collect(Collectors.joining(", "));
		System.out.printf(Locale.ROOT,
				"  %-17s heap growth %s (%s x line; runs: %s), upper bound %s, allocated %s, %d GC(s)%n", variant.id,
				Formats.mib(median[0] / 1024), times(median[0]), growths, Formats.mib(median[1] / 1024),
				Formats.mib(median[2] / 1024), median[3]);
		return median;
	}

	/**
	 * @return bytes as a multiple of the line
	 */
	private static String times(long bytes) {
		return String.format(Locale.ROOT, "%.2f", bytes / (double) LINE_16_MIB);
	}

}
