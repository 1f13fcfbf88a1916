package io.pipeio.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The "Machine" table of the report: what a reader needs to judge the numbers (CPUs,
 * memory, CPU model, kernel, JDK, gcc, the pipe size limit, and the load average that
 * tells whether other work shared the CPUs). A fact that cannot be read shows as
 * {@code ?} rather than failing the run.
 *
 * @author pipe-io
 */
final class MachineDescription {

	private MachineDescription() {
	}

	/**
	 * @return the Markdown table, printed at the start and written into the report
	 */
	static String describe() {
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "what", "value" });
		rows.add(new String[] { "date", ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME) });
		rows.add(new String[] { "nproc",
				Shell.quietExec(List.of("nproc"), Integer.toString(Runtime.getRuntime().availableProcessors())) });
		rows.add(new String[] { "memory (free -h, total)", totalMemory() });
		rows.add(new String[] { "CPU", cpuModel() });
		rows.add(new String[] { "kernel", System.getProperty("os.name") + " " + System.getProperty("os.version") });
		// Name and version only: the path of the JDK says nothing about the results and
		// is the machine's own.
		rows.add(new String[] { "JDK",
				System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") });
		rows.add(new String[] { "gcc",
				Shell.quietExec(List.of("gcc", "--version"), "?").lines().findFirst().orElse("?") });
		rows.add(new String[] { "pipe-max-size", readFirstLine(Path.of("/proc/sys/fs/pipe-max-size")) });
		rows.add(new String[] { "load average at start", loadAverage() });
		return Formats.markdown(rows);
	}

	/**
	 * @return {@code /proc/loadavg}, read again at the end of the run
	 */
	static String loadAverage() {
		return readFirstLine(Path.of("/proc/loadavg"));
	}

	private static String totalMemory() {
		String free = Shell.quietExec(List.of("free", "-h"), "");
		for (String line : free.lines().toList()) {
			if (line.startsWith("Mem:")) {
				return line.trim().split("\\s+")[1];
			}
		}
		return "?";
	}

	private static String cpuModel() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
				if (line.startsWith("model name")) {
					return ProcStatus.value(line);
				}
			}
		}
		catch (IOException ex) {
			// Not Linux.
		}
		return "?";
	}

	private static String readFirstLine(Path path) {
		try {
			return Files.readAllLines(path).get(0).trim();
		}
		catch (Exception ex) {
			return "?";
		}
	}

}
