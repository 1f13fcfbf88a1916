package io.pipeio.benchmarks;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the throughput and latency test measured: every run's value of every
 * {@link Metric} per variant, and each server's footprint after the runs. Renders the
 * three tables of the "Throughput and latency" section and the targets judged on them.
 * Medians are compared with the C echo measured in the same run, so a busy machine shifts
 * both sides alike.
 *
 * @author pipe-io
 */
final class ThroughputResults {

	private final List<Variant> variants;

	private final int forks;

	private final int runs;

	private final Map<Variant, Map<Metric, List<Double>>> samples = new EnumMap<>(Variant.class);

	private final Map<Variant, String> infos = new EnumMap<>(Variant.class);

	private final Map<Variant, ProcStatus> footprints = new EnumMap<>(Variant.class);

	ThroughputResults(List<Variant> variants, int forks, int runs) {
		this.variants = variants;
		this.forks = forks;
		this.runs = runs;
		for (Variant variant : variants) {
			Map<Metric, List<Double>> byMetric = new EnumMap<>(Metric.class);
			for (Metric metric : Metric.values()) {
				byMetric.put(metric, new ArrayList<>());
			}
			this.samples.put(variant, byMetric);
		}
	}

	/** Record one run's value; NaN for a run that failed. */
	void add(Variant variant, Metric metric, double value) {
		this.samples.get(variant).get(metric).add(value);
	}

	/**
	 * Record a server's state after the runs; {@code info} is null for the C echo, which
	 * takes no commands.
	 */
	void footprint(Variant variant, ProcStatus status, String info) {
		this.footprints.put(variant, status);
		if (info != null) {
			this.infos.put(variant, info);
		}
	}

	/**
	 * @return what a Java server said about itself ({@code info}), or "" if nothing
	 */
	String info(Variant variant) {
		return this.infos.getOrDefault(variant, "");
	}

	/**
	 * @return the median over the runs of every server JVM, NaN if the variant was not
	 * measured or a run failed
	 */
	double median(Variant variant, Metric metric) {
		Map<Metric, List<Double>> byMetric = this.samples.get(variant);
		return (byMetric != null) ? median(byMetric.get(metric)) : Double.NaN;
	}

	static double median(List<Double> values) {
		List<Double> sorted = values.stream().filter((v) -> !v.isNaN()).sorted().toList();
		if (sorted.isEmpty() || sorted.size() < values.size()) {
			return Double.NaN; // a failed run makes the median meaningless
		}
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	/**
	 * @return the main table: medians, and their ratios to the C echo
	 */
	String mainTable() {
		double c100 = median(Variant.C, Metric.TP100);
		double c1000 = median(Variant.C, Metric.TP1000);
		double cP99 = median(Variant.C, Metric.P99);
		double cP99Unpinned = median(Variant.C, Metric.P99_UNPINNED);
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "variant", "100 B msg/s", "ratio", "1000 B msg/s", "ratio", "p50 µs", "p99 µs",
				"p99 ratio", "not pinned: p50 µs", "p99 µs", "p99 ratio" });
		for (Variant variant : this.variants) {
			double tp100 = median(variant, Metric.TP100);
			double tp1000 = median(variant, Metric.TP1000);
			double p99 = median(variant, Metric.P99);
			double p99Unpinned = median(variant, Metric.P99_UNPINNED);
			rows.add(new String[] { variant.title(), Formats.count(tp100), Formats.ratio(tp100, c100),
					Formats.count(tp1000), Formats.ratio(tp1000, c1000),
					Formats.oneDecimal(median(variant, Metric.P50)), Formats.oneDecimal(p99), Formats.ratio(p99, cP99),
					Formats.oneDecimal(median(variant, Metric.P50_UNPINNED)), Formats.oneDecimal(p99Unpinned),
					Formats.ratio(p99Unpinned, cP99Unpinned) });
		}
		return Formats.markdown(rows, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
				+ "\nmsg/s: lines echoed per second, measured by the load client"
				+ " from its first write to its last reply; ratio: to the C echo in the same run; p50/p99: ping-pong"
				+ " round trip of one 100-byte line, first with the throughput servers (pinned when the settings"
				+ " line says so), then with fresh servers and a load client that are not pinned. Medians of "
				+ describeRuns() + "; FAILED where a step did not run or failed (see the log).\n";
	}

	/**
	 * @return the server's CPU time per 100-byte line, and its ratio to the C echo's:
	 * steadier than the rates on a busy machine, whose other work moves a server's
	 * elapsed time more than its CPU time
	 */
	String cpuTable() {
		double c = median(Variant.C, Metric.CPU100);
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "variant", "server CPU ns / line (100 B)", "× C echo" });
		for (Variant variant : this.variants) {
			double cpu = median(variant, Metric.CPU100);
			rows.add(new String[] { variant.title(), Formats.oneDecimal(cpu), Formats.ratio(cpu, c) });
		}
		return Formats.markdown(rows, 1, 2) + "\nServer CPU: user and system time of the server process"
				+ " (/proc/<pid>/stat, in 10 ms ticks: coarse in a quick run) during the 100 B throughput run, per line;"
				+ " medians of " + describeRuns()
				+ ". The lower, the more lines a server could echo on the same CPU.\n";
	}

	private String describeRuns() {
		return (this.forks == 1) ? this.runs + " run(s)" : this.forks * this.runs + " runs (" + this.forks
				+ " server JVMs per variant × " + this.runs + " run(s) in each)";
	}

	/**
	 * @return every run's value, so the spread behind each median can be judged
	 */
	String rawRunsTable() {
		List<String[]> rows = new ArrayList<>();
		List<String> header = new ArrayList<>(List.of("variant", "measurement"));
		for (int fork = 1; fork <= this.forks; fork++) {
			for (int run = 1; run <= this.runs; run++) {
				header.add((this.forks == 1) ? "run " + run
						: (this.runs == 1) ? "JVM " + fork : "JVM " + fork + " run " + run);
			}
		}
		header.add("spread");
		rows.add(header.toArray(new String[0]));
		for (Variant variant : this.variants) {
			for (Metric metric : Metric.values()) {
				List<Double> values = this.samples.get(variant).get(metric);
				List<String> row = new ArrayList<>(List.of(variant.id, metric.label));
				for (double value : values) {
					row.add(metric.format(value));
				}
				double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
				double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
				row.add(Double.isNaN(min) || min == 0 ? "–"
						: String.format(Locale.ROOT, "%.0f %%", (max - min) / min * 100));
				rows.add(row.toArray(new String[0]));
			}
		}
		int[] right = new int[this.forks * this.runs + 1];
		for (int i = 0; i < right.length; i++) {
			right[i] = i + 2;
		}
		return "Every run (runs alternate the variants; each JVM is a fresh server process, warmed up"
				+ " alike; spread = (max − min) / min; context switches: voluntary +"
				+ " non-voluntary of all the server's threads, /proc/<pid>/task/*/status, during the 100 B run):\n\n"
				+ Formats.markdown(rows, right);
	}

	/**
	 * @return each server's memory and threads after the runs, and what it says is
	 * running in it
	 */
	String footprintTable() {
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "variant", "RSS after the runs", "peak RSS (VmHWM)", "threads", "open fds",
				"what is running" });
		for (Variant variant : this.variants) {
			ProcStatus status = this.footprints.get(variant);
			if (status == null) {
				continue;
			}
			rows.add(new String[] { variant.id, Formats.mib(status.rssKib()), Formats.mib(status.hwmKib()),
					Integer.toString(status.threads()), Integer.toString(status.fds()),
					this.infos.getOrDefault(variant, "gcc -O2 echo.c") });
		}
		return "Server processes after the runs (/proc/<pid>/status, /proc/<pid>/fd; `info` is what the server"
				+ " reports about itself: engine, meter registry, pipe-io meters, listener timer count, decorators):\n\n"
				+ Formats.markdown(rows, 1, 2, 3, 4);
	}

	/**
	 * Add the throughput and latency targets, per engine; each needs both of the variants
	 * it compares.
	 */
	void addTargets(Report report) {
		double c100 = median(Variant.C, Metric.TP100);
		for (Variant variant : List.of(Variant.SPRING, Variant.SPRING_EL)) {
			addRatioTarget(report, variant, "Spring byte[] echo, 100 B, ratio to C echo", 0.8, c100);
		}
		for (Variant variant : List.of(Variant.SPRING_STRING, Variant.SPRING_STRING_EL)) {
			addRatioTarget(report, variant, "Spring String echo, 100 B, ratio to C echo", 0.7, c100);
		}
		for (boolean pinned : List.of(true, false)) {
			Metric p50 = pinned ? Metric.P50 : Metric.P50_UNPINNED;
			Metric p99 = pinned ? Metric.P99 : Metric.P99_UNPINNED;
			for (Variant variant : this.variants) {
				if (variant.isJava() && this.variants.contains(Variant.C)) {
					double r50 = median(variant, p50) / median(Variant.C, p50);
					double r99 = median(variant, p99) / median(Variant.C, p99);
					report.target(
							"ping-pong p50 / p99 ÷ C echo, " + (pinned ? "pinned" : "not pinned") + ", " + variant.id,
							String.format(Locale.ROOT, "%.2f × / %.2f ×", r50, r99), "≤ 1.2 × both",
							r50 <= 1.2 && r99 <= 1.2);
				}
			}
		}
	}

	/**
	 * Add the end-to-end metrics on vs off rows, shown but not judged: run-to-run noise
	 * end to end is larger than the cost of the metrics, which
	 * {@link DispatchCostMeasurement} measures and judges.
	 */
	void addMetricsOnOffRows(Report report) {
		if (this.variants.contains(Variant.SPRING) && this.variants.contains(Variant.SPRING_NO_METRICS)) {
			for (Metric metric : List.of(Metric.TP100, Metric.TP1000, Metric.P99)) {
				double on = median(Variant.SPRING, metric);
				double off = median(Variant.SPRING_NO_METRICS, metric);
				double difference = Math.abs(on - off) / Math.max(on, off);
				// The unit goes with the value here, so the name says only "p99".
				String name = (metric == Metric.P99) ? "p99" : metric.label;
				String unit = (metric == Metric.P99) ? " µs" : "";
				report.information("metrics on vs off, Spring byte[], " + name + " (end to end, noisy)",
						String.format(Locale.ROOT, "%s vs %s (%.1f %% apart)", metric.format(on) + unit,
								metric.format(off) + unit, difference * 100));
			}
		}
	}

	private void addRatioTarget(Report report, Variant variant, String name, double goal, double c100) {
		if (this.variants.contains(variant) && this.variants.contains(Variant.C)) {
			double ratio = median(variant, Metric.TP100) / c100;
			report.target(name + ", " + variant.id, String.format(Locale.ROOT, "%.2f", ratio), "≥ " + goal,
					ratio >= goal);
		}
	}

}
