package io.pipeio.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory, thread count and open file descriptors of a process, from
 * {@code /proc/<pid>/status} and {@code /proc/<pid>/fd}.
 *
 * @param rssKib {@code VmRSS}: resident set size now
 * @param hwmKib {@code VmHWM}: peak resident set size
 * @param threads {@code Threads}
 * @param fds the entries of {@code /proc/<pid>/fd}, or -1 if they cannot be read
 * @author pipe-io
 */
record ProcStatus(long rssKib, long hwmKib, int threads, int fds) {

	static ProcStatus of(long pid) throws IOException {
		long rss = -1;
		long hwm = -1;
		int threads = -1;
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
			if (line.startsWith("VmRSS:")) {
				rss = kib(line);
			}
			else if (line.startsWith("VmHWM:")) {
				hwm = kib(line);
			}
			else if (line.startsWith("Threads:")) {
				threads = Integer.parseInt(value(line));
			}
		}
		return new ProcStatus(rss, hwm, threads, fds(pid));
	}

	/**
	 * @return how many file descriptors the process has open, or -1 if unknown
	 */
	static int fds(long pid) {
		try (var entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
			return (int) entries.count();
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/**
	 * The CPU time a process has used so far, user and system, from
	 * {@code /proc/<pid>/stat} (in clock ticks of 10 ms, the usual {@code USER_HZ}).
	 * @param pid the process
	 * @return milliseconds of CPU time
	 * @throws IOException if the file cannot be read
	 */
	static long cpuMillis(long pid) throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		// After the command name, which may hold spaces, in parentheses: field 3 on.
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		return ticks * 10;
	}

	/**
	 * Sum the voluntary and non-voluntary context switches of every thread of a process.
	 * @param pid the process
	 * @return the total so far, or -1 if unknown
	 */
	static long contextSwitches(long pid) {
		long total = 0;
		try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
			for (Path task : tasks.toList()) {
				try {
					for (String line : Files.readAllLines(task.resolve("status"))) {
						if (line.startsWith("voluntary_ctxt_switches:")
								|| line.startsWith("nonvoluntary_ctxt_switches:")) {
							total += Long.parseLong(value(line));
						}
					}
				}
				catch (IOException ex) {
					// The thread ended meanwhile.
				}
			}
			return total;
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/**
	 * @return the number of a {@code Name: 123 kB} line
	 */
	private static long kib(String line) {
		return Long.parseLong(value(line).split("\\s+")[0]);
	}

	/**
	 * The value of a {@code Name: value} line, the shape of {@code /proc/<pid>/status}
	 * and {@code /proc/cpuinfo} lines.
	 * @param line the line
	 * @return what follows the first colon, trimmed
	 */
	static String value(String line) {
		return line.substring(line.indexOf(':') + 1).trim();
	}

	double rssMib() {
		return this.rssKib / 1024.0;
	}

}
