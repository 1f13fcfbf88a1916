package io.pipeio.benchmarks;

/**
 * What the throughput and latency test records for each variant in each run, with the
 * label and number format the tables use for it.
 *
 * @author pipe-io
 */
enum Metric {

	TP100("100 B msg/s", true),

	TP1000("1000 B msg/s", true),

	P50("p50 µs", false),

	P99("p99 µs", false),

	CSW100("context switches / 1k lines (100 B)", false);

	final String label;

	/** Rates are whole messages per second; the others read best with one decimal. */
	private final boolean rate;

	Metric(String label, boolean rate) {
		this.label = label;
		this.rate = rate;
	}

	String format(double value) {
		return this.rate ? Formats.count(value) : Formats.oneDecimal(value);
	}

}
