package io.pipeio.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The scale targets, judged per engine on the Spring app: what N channels add to the same
 * app with one channel in the same run (start-up: launch to ready; RSS), and the p99
 * round trip of the echo channel beside them. 1,000 channels: less than 1 s and 20 MiB;
 * 9,000: less than 10 s and 150 MiB; the echo answers in less than 1 ms p99 beside any
 * number of channels. Other channel counts are shown with their added cost but not judged
 * on it. Each judgement goes to the report's targets table and to the table of the scale
 * section ({@link #table()}).
 *
 * @author pipe-io
 */
final class ScaleTargets {

	private static final double P99_GOAL_MICROS = 1000;

	private final Report report;

	private final List<String[]> rows = new ArrayList<>();

	ScaleTargets(Report report) {
		this.report = report;
		this.rows.add(new String[] { "variant", "channels", "added start-up", "target", "met", "added RSS", "target",
				"met", "echo p99 beside them", "target", "met", "per added channel: RSS / threads / fds" });
	}

	/**
	 * @return whether the targets apply to this server (the Spring app, either engine)
	 */
	static boolean judged(Variant variant) {
		return variant == Variant.SPRING || variant == Variant.SPRING_EL;
	}

	/**
	 * Judge a server with N channels against the same variant with one.
	 * @param row the server with N channels
	 * @param single the server with one channel
	 */
	void judge(ScaleRow row, ScaleRow single) {
		if (!judged(row.variant()) || row.channels() == 1 || single == null) {
			return;
		}
		String name = String.format(Locale.ROOT, "%,d channels, %s: ", row.channels(), row.variant().id);
		double addedSeconds = row.launchToReady() - single.launchToReady();
		double addedMib = (row.status().rssKib() - single.status().rssKib()) / 1024.0;
		double[] goal = goal(row.channels());
		String[] startCells = judge(name + "added start-up (launch → ready)",
				String.format(Locale.ROOT, "%.2f s", addedSeconds), addedSeconds, (goal != null) ? goal[0] : null,
				" s");
		String[] rssCells = judge(name + "added RSS", String.format(Locale.ROOT, "%.1f MiB", addedMib), addedMib,
				(goal != null) ? goal[1] : null, " MiB");
		String[] p99Cells = judge(name + "echo p99 beside them", Formats.oneDecimal(row.p99()) + " µs", row.p99(),
				P99_GOAL_MICROS, " µs");
		double[] marginal = row.marginal(single);
		String perChannel = String.format(Locale.ROOT, "%s / %.2f / %.2f", Formats.kib(marginal[0]), marginal[1],
				marginal[2]);
		this.rows.add(new String[] { row.variant().id, String.format(Locale.ROOT, "%,d", row.channels()), startCells[0],
				startCells[1], startCells[2], rssCells[0], rssCells[1], rssCells[2], p99Cells[0], p99Cells[1],
				p99Cells[2], perChannel });
	}

	/**
	 * Record a server that was not measured, and why.
	 * @param variant the server
	 * @param channels its channel count
	 * @param reason why, such as the descriptor limit
	 */
	void notMeasured(Variant variant, int channels, String reason) {
		if (judged(variant)) {
			String name = String.format(Locale.ROOT, "%,d channels, %s", channels, variant.id);
			this.report.information(name, reason);
			this.rows.add(new String[] { variant.id, String.format(Locale.ROOT, "%,d", channels),
					reason.startsWith("not run") ? "not run" : reason });
		}
	}

	/**
	 * @return the table, or "" if no Spring server with more than one channel was judged
	 */
	String table() {
		return (this.rows.size() > 1) ? Formats.markdown(this.rows, 1, 2, 3, 5, 6, 8, 9) : "";
	}

	/**
	 * @return the target cells (measured, goal, met) of one value, after adding its row
	 * to the report's targets
	 */
	private String[] judge(String name, String measured, double value, Double goal, String unit) {
		if (goal == null) {
			this.report.information(name, measured);
			return new String[] { measured, "—", "—" };
		}
		String goalText = "< " + String.format(Locale.ROOT, "%,.0f", goal) + unit;
		boolean met = value < goal;
		this.report.target(name, measured, goalText, met);
		return new String[] { measured, goalText, Formats.verdict(met) };
	}

	/**
	 * @return start-up seconds and RSS MiB N channels may add, or null if there is no
	 * target for N
	 */
	private static double[] goal(int channels) {
		return switch (channels) {
			case 1_000 -> new double[] { 1, 20 };
			case 9_000 -> new double[] { 10, 150 };
			default -> null;
		};
	}

}
