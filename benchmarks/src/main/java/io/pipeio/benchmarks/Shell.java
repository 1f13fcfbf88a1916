package io.pipeio.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Short external commands the harness runs (gcc, taskset, nproc, free) and the
 * {@code key=value} output that the load client and the servers print.
 *
 * @author pipe-io
 */
final class Shell {

	private Shell() {
	}

	/**
	 * Run a command to completion.
	 * @param command the command line
	 * @param timeout how long it may take
	 * @return its standard output and error, merged
	 * @throws IOException if it cannot start, takes too long or exits with a non-zero
	 * status
	 * @throws InterruptedException if interrupted while waiting
	 */
	static String exec(List<String> command, Duration timeout) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException(String.join(" ", command) + " timed out");
		}
		String text = new String(output, StandardCharsets.UTF_8);
		if (process.exitValue() != 0) {
			throw new IOException(String.join(" ", command) + " failed: " + text);
		}
		return text;
	}

	/** {@link #exec} for facts that are nice to have: any failure gives the fallback. */
	static String quietExec(List<String> command, String fallback) {
		try {
			return exec(command, Duration.ofSeconds(10)).trim();
		}
		catch (Exception ex) {
			return fallback;
		}
	}

	/**
	 * @return the java executable of this JVM, so the servers run on the same JDK the
	 * report names
	 */
	static String javaExecutable() {
		return ProcessHandle.current().info().command().orElse("java");
	}

	/**
	 * Parse whitespace-separated {@code key=value} pairs; other words are ignored.
	 * @param text such as {@code msg_per_s=123 elapsed_s=0.5}
	 * @return the pairs, in their order
	 */
	static Map<String, String> pairs(String text) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String pair : text.trim().split("\\s+")) {
			int equals = pair.indexOf('=');
			if (equals > 0) {
				values.put(pair.substring(0, equals), pair.substring(equals + 1));
			}
		}
		return values;
	}

}
