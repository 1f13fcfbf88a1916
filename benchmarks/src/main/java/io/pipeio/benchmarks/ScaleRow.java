package io.pipeio.benchmarks;

import java.util.Locale;

/**
 * One server of the scale test: a variant started with some number of channels, what it
 * took to start and what it holds 1 s after it said it was ready.
 *
 * @param variant the server
 * @param channels how many channels it serves
 * @param launchToReady seconds from launching the process to its {@code ready}
 * @param channelsStarted seconds the channels took to start, timed inside the JVM
 * @param status RSS, threads and open file descriptors 1 s after ready
 * @param p50 ping-pong p50 of the echo channel beside the others, µs
 * @param p99 ping-pong p99 of the echo channel, µs
 * @param afterGc live heap / committed heap / RSS after a full GC
 * @param idleCpu share of one CPU the server used while idle, in percent
 * @param stop seconds from asking the server to quit to its exit (every channel stopped)
 * @author pipe-io
 */
record ScaleRow(Variant variant, int channels, double launchToReady, double channelsStarted, ProcStatus status,
		double p50, double p99, String afterGc, double idleCpu, double stop) {

	/**
	 * What each channel beyond the first adds, against the same server with one channel.
	 * @param single the 1-channel row
	 * @return RSS (KiB), threads and file descriptors per added channel
	 */
	double[] marginal(ScaleRow single) {
		double added = this.channels - single.channels;
		return new double[] { (this.status.rssKib() - single.status.rssKib()) / added,
				(this.status.threads() - single.status.threads()) / added,
				(this.status.fds() - single.status.fds()) / added };
	}

	/**
	 * @return the row of the scale table; the marginal columns are empty without a
	 * 1-channel row
	 */
	String[] cells(ScaleRow single) {
		String[] marginal = { "", "", "" };
		if (single != null && single != this) {
			double[] values = marginal(single);
			marginal = new String[] { Formats.kib(values[0]), decimals(values[1]), decimals(values[2]) };
		}
		return new String[] { this.variant.id, String.format(Locale.ROOT, "%,d", this.channels),
				seconds(this.launchToReady), seconds(this.channelsStarted), Formats.mib(this.status.rssKib()),
				Integer.toString(this.status.threads()), Integer.toString(this.status.fds()),
				Formats.oneDecimal(this.p50) + " / " + Formats.oneDecimal(this.p99), marginal[0], marginal[1],
				marginal[2], this.afterGc, String.format(Locale.ROOT, "%.1f %%", this.idleCpu), seconds(this.stop) };
	}

	static String[] header() {
		return new String[] { "variant", "channels", "launch → ready", "channels started in", "RSS", "threads",
				"open fds", "echo p50 / p99 µs", "marginal RSS / channel", "marginal threads / channel",
				"marginal fds / channel", "after a full GC: live heap / committed heap / RSS", "idle CPU", "stop" };
	}

	static String seconds(double value) {
		return String.format(Locale.ROOT, "%.2f s", value);
	}

	private static String decimals(double value) {
		return String.format(Locale.ROOT, "%.2f", value);
	}

}
