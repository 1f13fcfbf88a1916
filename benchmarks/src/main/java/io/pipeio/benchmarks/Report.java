package io.pipeio.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results document: {@code target/RESULTS.md} ({@code target/RESULTS-quick.md} for a
 * quick run), or the committed {@code RESULTS.md} with {@code --update-results}; see
 * {@link RunSettings#results}. Each test appends its section and its targets as it
 * finishes; {@link #write} then puts the header, the machine and all targets in one table
 * in front of the sections, so the verdicts come first, and prints that table too.
 *
 * @author pipe-io
 */
final class Report {

	private final RunSettings settings;

	private final StringBuilder sections = new StringBuilder();

	private final List<String[]> targets = new ArrayList<>();

	Report(RunSettings settings) {
		this.settings = settings;
	}

	/**
	 * Append a section, Markdown with its heading.
	 * @param text the section
	 * @return this report, for more text
	 */
	Report append(String text) {
		this.sections.append(text);
		return this;
	}

	/**
	 * Add a judged row to the targets table. A human compares; the verdict is only a
	 * reading aid.
	 * @param name what is measured
	 * @param measured the measured value, formatted
	 * @param goal the goal, formatted
	 * @param met whether the value meets the goal
	 */
	void target(String name, String measured, String goal, boolean met) {
		this.targets.add(new String[] { name, measured, goal, Formats.verdict(met) });
	}

	/**
	 * Add a row to the targets table that is shown but not judged: its goal and verdict
	 * read "—".
	 * @param name what is measured
	 * @param measured the measured value, formatted
	 */
	void information(String name, String measured) {
		this.targets.add(new String[] { name, measured, "—", "—" });
	}

	/**
	 * Print the targets, then write the document to {@link RunSettings#results}.
	 * @param machine the machine table
	 * @param settingsLine the settings, as printed at the start
	 * @param seconds how long the run took
	 * @throws IOException if the file cannot be written
	 */
	void write(String machine, String settingsLine, double seconds) throws IOException {
		List<String[]> goals = new ArrayList<>();
		goals.add(new String[] { "target", "measured", "goal", "met" });
		goals.addAll(this.targets);
		String goalTable = Formats.markdown(goals);
		System.out.println();
		System.out.println("== Targets (a human compares; ratios are from this run) ==");
		System.out.println(goalTable);

		StringBuilder out = new StringBuilder();
		out.append("# pipe-io benchmark results\n\n");
		if (this.settings.quick) {
			out.append("**QUICK run (development settings): small counts, one run; not for comparison.**\n\n");
		}
		out.append("Command: `").append(this.settings.commandLine()).append("`  \n");
		out.append(settingsLine).append(String.format(Locale.ROOT, "; took %.0f s.%n%n", seconds));
		out.append("## Machine\n\n").append(machine);
		out.append("\nLoad average at the end: ")
			.append(MachineDescription.loadAverage())
			.append(" (the run itself keeps about 2–3 runnable; a higher value at the start means other work shared"
					+ " the CPUs).\n\n");
		out.append("## Targets\n\n").append(goalTable).append('\n');
		out.append(this.sections);
		out.append("Server logs of this run: `benchmarks/target/bench-logs/`.\n");

		Files.createDirectories(this.settings.results.getParent());
		Files.writeString(this.settings.results, out.toString(), StandardCharsets.UTF_8);
		System.out.println();
		System.out.println("Results written to " + this.settings.results);
		if (!this.settings.updateResults && !this.settings.quick) {
			System.out
				.println("The committed benchmarks/RESULTS.md is unchanged: run with --update-results to replace it.");
		}
	}

}
