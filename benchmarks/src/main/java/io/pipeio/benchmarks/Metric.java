package io.pipeio.benchmarks;

/**
 * What the throughput and latency test records for each variant in each run, with the
 * label and number format the tables use for it. {@link #P50} and {@link #P99} are
 * measured with the throughput servers (pinned when pinning is on), {@link #P50_UNPINNED}
 * and {@link #P99_UNPINNED} by {@link UnpinnedPingPong} with fresh servers and a load
 * client that are not pinned.
 *
 * @author pipe-io
 */
enum Metric {

	TP100("100 B msg/s", true),

	TP1000("1000 B msg/s", true),

	P50("p50 µs", false),

	P99("p99 µs", false),

	P50_UNPINNED("p50 µs, not pinned", false),

	P99_UNPINNED("p99 µs, not pinned", false),

	CSW100("context switches / 1k lines (100 B)", false),

	CPU100("server CPU ns / line (100 B)", false);

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
