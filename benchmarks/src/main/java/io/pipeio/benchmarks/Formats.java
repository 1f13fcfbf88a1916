package io.pipeio.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How numbers appear in the console and in the report, and the Markdown tables they go
 * into. Everything uses {@link Locale#ROOT} so the report reads the same whatever the
 * machine's locale. A measurement that failed is NaN and shows as {@code FAILED} (or
 * {@code –} in a ratio).
 *
 * @author pipe-io
 */
final class Formats {

	private Formats() {
	}

	static String verdict(boolean met) {
		return met ? "yes" : "**no**";
	}

	static String count(double value) {
		return Double.isNaN(value) ? "FAILED" : String.format(Locale.ROOT, "%,.0f", value);
	}

	static String oneDecimal(double value) {
		return Double.isNaN(value) ? "FAILED" : String.format(Locale.ROOT, "%.1f", value);
	}

	static String ratio(double value, double reference) {
		return (Double.isNaN(value) || Double.isNaN(reference)) ? "–"
				: String.format(Locale.ROOT, "%.2f", value / reference);
	}

	static String mib(long kib) {
		return String.format(Locale.ROOT, "%.1f MiB", kib / 1024.0);
	}

	static String kib(double kib) {
		return String.format(Locale.ROOT, "%.0f KiB", kib);
	}

	/** A Markdown table with aligned columns; the given columns are right-aligned. */
	static String markdown(List<String[]> rows, int... rightAligned) {
		int columns = rows.get(0).length;
		int[] widths = new int[columns];
		for (String[] row : rows) {
			for (int i = 0; i < columns; i++) {
				widths[i] = Math.max(Math.max(widths[i], 3), (i < row.length ? row[i] : "").length());
			}
		}
		Set<Integer> right = Arrays.stream(rightAligned).boxed().collect(Collectors.toSet());
		StringBuilder out = new StringBuilder();
		for (int r = 0; r < rows.size(); r++) {
			String[] row = rows.get(r);
			out.append('|');
			for (int i = 0; i < columns; i++) {
				String cell = (i < row.length) ? row[i] : "";
				String padded = right.contains(i) ? " ".repeat(widths[i] - cell.length()) + cell
						: cell + " ".repeat(widths[i] - cell.length());
				out.append(' ').append(padded).append(" |");
			}
			out.append('\n');
			if (r == 0) {
				out.append('|');
				for (int i = 0; i < columns; i++) {
					out.append(right.contains(i) ? "-".repeat(widths[i] + 1) + ":|" : "-".repeat(widths[i] + 2) + "|");
				}
				out.append('\n');
			}
		}
		return out.toString();
	}

}
