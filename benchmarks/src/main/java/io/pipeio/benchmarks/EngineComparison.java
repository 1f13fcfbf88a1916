package io.pipeio.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.pipeio.benchmarks.Variant.Engine;

/**
 * The two engines side by side: for the engine alone and the Spring byte[] and String
 * echoes, every measurement of the throughput and latency test with the thread engine and
 * with the event loop, each with its ratio to the C echo of the same run, and the event
 * loop's value over the threads'. Says so when the Spring servers could not be told which
 * engine to use (a pipe-io build without the {@code pipe-io.engine} property).
 *
 * @author pipe-io
 */
final class EngineComparison {

	private static final List<Variant> SERVERS = List.of(Variant.ENGINE, Variant.SPRING, Variant.SPRING_STRING);

	private static final List<Metric> METRICS = List.of(Metric.TP100, Metric.TP1000, Metric.P50, Metric.P99,
			Metric.P50_UNPINNED, Metric.P99_UNPINNED);

	private final ThroughputResults results;

	private final List<Variant> variants;

	/**
	 * @param results the measured values
	 * @param variants the variants of this run
	 */
	EngineComparison(ThroughputResults results, List<Variant> variants) {
		this.results = results;
		this.variants = variants;
	}

	/**
	 * @return the table with its caption, or "" if no server ran with both engines
	 */
	String table() {
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "server", "measurement", "C echo", "threads", "× C", "event-loop", "× C",
				"event-loop ÷ threads" });
		for (Variant threads : SERVERS) {
			Variant eventLoop = threads.with(Engine.EVENT_LOOP);
			if (!this.variants.contains(threads) || !this.variants.contains(eventLoop)) {
				continue;
			}
			for (Metric metric : METRICS) {
				double c = this.results.median(Variant.C, metric);
				double t = this.results.median(threads, metric);
				double e = this.results.median(eventLoop, metric);
				rows.add(new String[] { threads.id + " / " + eventLoop.id, metric.label, metric.format(c),
						metric.format(t), Formats.ratio(t, c), metric.format(e), Formats.ratio(e, c),
						Formats.ratio(e, t) });
			}
		}
		if (rows.size() == 1) {
			return "";
		}
		return "Engines side by side (medians; × C: ratio to the C echo of the same run, higher is better for"
				+ " msg/s, lower for µs; event-loop ÷ threads likewise):\n\n" + Formats.markdown(rows, 2, 3, 4, 5, 6, 7)
				+ note();
	}

	/**
	 * @return a warning if a Spring server ran without the engine it was meant to have
	 */
	private String note() {
		for (Variant variant : this.variants) {
			if (this.results.info(variant).contains("engine_property=unsupported")) {
				return String.format(Locale.ROOT,
						"%nThis build of pipe-io has no `pipe-io.engine` property (an unknown pipe-io key is rejected),"
								+ " so the Spring servers ran the default engine whatever their column says.%n");
			}
		}
		return "";
	}

}
