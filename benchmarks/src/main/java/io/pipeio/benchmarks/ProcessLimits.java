package io.pipeio.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The limits a server with many channels can run into: open file descriptors (the hard
 * limit, {@code ulimit -Hn}: a JVM raises its soft limit to it) and threads (the smallest
 * of {@code ulimit -u}, {@code kernel.threads-max} and {@code kernel.pid_max}). Read
 * once, from this process, whose limits the servers inherit.
 *
 * @param fds the hard limit of open files, or {@link Long#MAX_VALUE} if unknown
 * @param threads how many threads a server may have at most, or {@link Long#MAX_VALUE} if
 * unknown
 * @author pipe-io
 */
record ProcessLimits(long fds, long threads) {

	static ProcessLimits read() {
		long fds = limit("Max open files", 2);
		long processes = limit("Max processes", 1);
		long threads = Math.min(processes,
				Math.min(sysctl("/proc/sys/kernel/threads-max"), sysctl("/proc/sys/kernel/pid_max")));
		return new ProcessLimits(fds, threads);
	}

	/**
	 * Why a server of this size cannot run here, or null if it fits.
	 * @param fdsNeeded the descriptors it is expected to open
	 * @param threadsNeeded the threads it is expected to start
	 * @return the reason, for the report
	 */
	String whyNot(long fdsNeeded, long threadsNeeded) {
		// Some head room: the estimate is linear, and the JVM opens a few more as it
		// goes.
		if (fdsNeeded > this.fds * 0.97) {
			return String.format(Locale.ROOT,
					"not run: it would need about %,d open file descriptors, the hard limit (ulimit -Hn) is %,d",
					fdsNeeded, this.fds);
		}
		if (threadsNeeded > this.threads * 0.9) {
			return String.format(Locale.ROOT,
					"not run: it would need about %,d threads, the limit (ulimit -u, threads-max, pid_max) is %,d",
					threadsNeeded, this.threads);
		}
		return null;
	}

	/**
	 * @param name the name of a {@code /proc/self/limits} line
	 * @param column 1 for the soft limit, 2 for the hard limit
	 */
	private static long limit(String name, int column) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
				if (line.startsWith(name)) {
					String[] values = line.substring(name.length()).trim().split("\\s+");
					return values[column - 1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(values[column - 1]);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Unknown: no limit assumed.
		}
		return Long.MAX_VALUE;
	}

	private static long sysctl(String file) {
		try {
			// Read by lines: on some kernels readString stops after the first byte of a
			// /proc file, whose size is 0.
			return Long.parseLong(Files.readAllLines(Path.of(file)).get(0).trim());
		}
		catch (IOException | RuntimeException ex) {
			return Long.MAX_VALUE;
		}
	}

}
