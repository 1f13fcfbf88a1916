package io.pipeio.benchmarks;

import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.pipeio.server.LineDispatchBenchmark;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The metrics cost per line, measured without the noise of the end-to-end runs: runs the
 * JMH benchmark {@link LineDispatchBenchmark} (one chunk of 100-byte lines through the
 * dispatcher into a {@code @PipeListener}-style method, no pipes) in one forked JVM per
 * listener path, and reports lines per second, nanoseconds per line and the nanoseconds
 * each path adds to the plain byte[] method. The listener timer's addition is judged as a
 * share of the time per line of the Spring byte[] server without metrics, measured end to
 * end in the same run.
 *
 * @author pipe-io
 */
final class DispatchCostMeasurement {

	private static final String BASELINE = "method-bytes";

	private static final String TIMER = "method-bytes-timer";

	/** The listener paths measured, in table order; the first is the baseline. */
	private static final List<String> PATHS = List.of(BASELINE, TIMER, "method-string", "method-bytes-observation");

	/**
	 * The most the timer may add, as a share of the end-to-end time per line without
	 * metrics.
	 */
	private static final double GOAL = 0.10;

	private final boolean quick;

	/**
	 * @param quick shorter warm-up and measurement (development settings)
	 */
	DispatchCostMeasurement(boolean quick) {
		this.quick = quick;
	}

	/**
	 * Measure, print the table, and add the section and the target to the report.
	 * @param report the report
	 * @param referenceMsgPerSecond the 100 B throughput of the Spring byte[] server
	 * without metrics in this run, NaN if it was not measured
	 */
	void run(Report report, double referenceMsgPerSecond) {
		System.out.println();
		System.out.println("== Dispatch cost per line (JMH, LineDispatchBenchmark) ==");
		int warmups = this.quick ? 2 : 3;
		int iterations = this.quick ? 3 : 5;
		int millis = this.quick ? 500 : 1000;
		String settings = String.format(Locale.ROOT, "1 fork per path, %d × %d ms warm-up, %d × %d ms measurement",
				warmups, millis, iterations, millis);
		System.out.println(settings + " ...");
		long started = System.nanoTime();
		Map<String, List<Double>> scores;
		try {
			scores = measure(warmups, iterations, millis);
		}
		catch (Exception ex) {
			System.out.println("  dispatch benchmark FAILED: " + ex);
			report.append("## Dispatch cost per line (JMH)\n\nFAILED: " + ex + "\n\n");
			report.target("metrics cost per line (JMH): " + TIMER + " vs " + BASELINE, "FAILED", "≤ 10 %", false);
			return;
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		double baseNanos = 1e9 / mean(scores.get(BASELINE));
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "path", "lines/s", "ns per line", "extra ns per line vs " + BASELINE,
				"spread of iterations" });
		for (String path : PATHS) {
			DoubleSummaryStatistics values = scores.get(path)
				.stream()
				.mapToDouble(Double::doubleValue)
				.summaryStatistics();
			double nanos = 1e9 / values.getAverage();
			rows.add(new String[] { path, Formats.count(values.getAverage()), Formats.oneDecimal(nanos),
					path.equals(BASELINE) ? "" : String.format(Locale.ROOT, "%+.1f", nanos - baseNanos), String
						.format(Locale.ROOT, "%.1f %%", (values.getMax() - values.getMin()) / values.getMin() * 100) });
		}
		String table = Formats.markdown(rows, 1, 2, 3, 4);
		System.out.println(table);
		System.out.printf(Locale.ROOT, "(took %.0f s)%n", seconds);

		double extra = 1e9 / mean(scores.get(TIMER)) - baseNanos;
		double lineNanos = 1e9 / referenceMsgPerSecond;
		String reference = Double.isNaN(lineNanos) ? "no end-to-end reference: spring-nometrics was not measured"
				: String.format(Locale.ROOT, "%.0f ns per line, 1e9 / %s msg/s", lineNanos,
						Formats.count(referenceMsgPerSecond));
		report.append("## Dispatch cost per line (JMH)\n\n")
			.append(table)
			.append(String.format(Locale.ROOT, "%nLineDispatchBenchmark (see the benchmarks README): one 16 KiB chunk"
					+ " of 100-byte lines through LineDispatcher.dispatch into a listener method, the reply turned"
					+ " into a line; no pipes, no other process. %s, mean of the measured iterations; spread ="
					+ " (max − min) / min of them. Default JVM settings, not pinned; this step took %.0f s."
					+ " End-to-end reference: the Spring byte[] server without metrics, 100 B, this run: %s.%n%n",
					settings, seconds, reference))
			.append("Why both this table and the end-to-end metrics on/off rows: end to end, the nanoseconds the"
					+ " timer adds (above) are a small share of a line's time, and the throughput of one and the"
					+ " same server varies from run to run by more than that (see the spread in the every-run"
					+ " table), so on/off can come out either way round. Those rows are kept, for information,"
					+ " because they cover all a line goes through: two pipes, the scheduler, both processes. Here"
					+ " the dispatch alone is repeated in one JVM, so the difference between two paths is the CPU"
					+ " cost of what one adds, to within the spread of the iterations. Divided by the end-to-end"
					+ " time per line, it is about what the timer takes from throughput when the server's CPU is"
					+ " the bottleneck, and less when the pipes or the client are.\n\n");
		String name = "metrics cost per line (JMH): " + TIMER + " vs " + BASELINE;
		if (Double.isNaN(lineNanos)) {
			report.information(name, String.format(Locale.ROOT, "%+.1f ns per line (%s)", extra, reference));
		}
		else {
			double share = extra / lineNanos;
			report.target(name, String.format(Locale.ROOT, "%+.1f ns per line = %.1f %% of %.0f ns end to end", extra,
					share * 100, lineNanos), "≤ 10 %", share <= GOAL);
		}
	}

	/**
	 * @return every measurement iteration's score (lines per second) by path
	 */
	private static Map<String, List<Double>> measure(int warmups, int iterations, int millis) throws Exception {
		Options options = new OptionsBuilder()
			.include("^" + Pattern.quote(LineDispatchBenchmark.class.getName()) + "\\.")
			.param("path", PATHS.toArray(new String[0]))
			.forks(1)
			.warmupIterations(warmups)
			.warmupTime(TimeValue.milliseconds(millis))
			.measurementIterations(iterations)
			.measurementTime(TimeValue.milliseconds(millis))
			.verbosity(VerboseMode.SILENT)
			.shouldFailOnError(true)
			.build();
		Map<String, List<Double>> scores = new LinkedHashMap<>();
		for (RunResult result : new Runner(options).run()) {
			List<Double> values = scores.computeIfAbsent(result.getParams().getParam("path"), (p) -> new ArrayList<>());
			for (BenchmarkResult fork : result.getBenchmarkResults()) {
				for (IterationResult iteration : fork.getIterationResults()) {
					values.add(iteration.getPrimaryResult().getScore());
				}
			}
		}
		if (!scores.keySet().containsAll(PATHS) || scores.values().stream().anyMatch(List::isEmpty)) {
			throw new IllegalStateException("JMH gave results for " + scores.keySet() + " only");
		}
		return scores;
	}

	private static double mean(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
	}

}
