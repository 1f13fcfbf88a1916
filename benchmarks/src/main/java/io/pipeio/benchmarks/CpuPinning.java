package io.pipeio.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the measured server and the load client off each other's CPU with
 * {@code taskset}, so a throughput number is one server thread against one client thread
 * rather than a scheduler artefact. Falls back to no pinning where that is impossible
 * (one CPU, no taskset).
 *
 * @author pipe-io
 */
final class CpuPinning {

	static final int SERVER_CPU = 1;

	static final int LOAD_CPU = 0;

	private boolean enabled;

	/**
	 * @param requested whether pinning was asked for (no {@code --no-pin})
	 */
	CpuPinning(boolean requested) {
		this.enabled = requested;
	}

	/** Turn pinning off, saying why, if this machine cannot do it. */
	void check() {
		if (!this.enabled) {
			return;
		}
		if (Runtime.getRuntime().availableProcessors() < 2) {
			System.out.println("Fewer than 2 CPUs: running without taskset pinning");
			this.enabled = false;
			return;
		}
		try {
			Shell.exec(List.of("taskset", "-c", Integer.toString(SERVER_CPU), "true"), Duration.ofSeconds(10));
		}
		catch (Exception ex) {
			System.out.println("taskset not usable (" + ex.getMessage() + "): running without CPU pinning");
			this.enabled = false;
		}
	}

	/**
	 * Pin a command to one CPU, if pinning is on.
	 * @param cpu the CPU
	 * @param command the command line
	 * @return the command line, behind {@code taskset -c CPU} when pinning
	 */
	List<String> wrap(int cpu, List<String> command) {
		if (!this.enabled) {
			return command;
		}
		List<String> result = new ArrayList<>(List.of("taskset", "-c", Integer.toString(cpu)));
		result.addAll(command);
		return result;
	}

	/**
	 * @return the end of the settings line
	 */
	String describe() {
		return this.enabled ? "servers pinned to CPU " + SERVER_CPU + ", load client to CPU " + LOAD_CPU + " (taskset)"
				: "no CPU pinning";
	}

}
