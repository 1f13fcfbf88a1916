package io.pipeio.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the C load client ({@code load throughput|pingpong DIR N SIZE}) against a server,
 * pinned to {@link CpuPinning#LOAD_CPU}. The client is a separate process so that, for
 * every variant, the same code writes the lines and times the replies.
 *
 * @author pipe-io
 */
final class LoadClient {

	private final Path binary;

	private final CpuPinning pinning;

	private final Path workDir;

	LoadClient(Path binary, CpuPinning pinning, Path workDir) {
		this.binary = binary;
		this.pinning = pinning;
		this.workDir = workDir;
	}

	/** Enough for a slow server at 50,000 lines/s, plus start-up. */
	static Duration throughputTimeout(long lines) {
		return Duration.ofSeconds(60 + lines / 50_000);
	}

	/** Enough for 1 ms round trips, plus start-up. */
	static Duration pingpongTimeout(long roundtrips) {
		return Duration.ofSeconds(60 + roundtrips / 1_000);
	}

	/**
	 * Run the load client against a server.
	 * @param mode {@code throughput} or {@code pingpong}
	 * @param server the server
	 * @param count lines, or round trips
	 * @param size bytes per line
	 * @param timeout how long the client may take
	 * @return its {@code key=value} output, such as {@code msg_per_s}, {@code elapsed_s},
	 * {@code p99_us}
	 * @throws IOException if it fails or times out
	 * @throws InterruptedException if interrupted while waiting
	 */
	Map<String, String> run(String mode, ServerProcess server, long count, long size, Duration timeout)
			throws IOException, InterruptedException {
		List<String> command = this.pinning.wrap(CpuPinning.LOAD_CPU, List.of(this.binary.toString(), mode,
				server.directory().toString(), Long.toString(count), Long.toString(size)));
		// Files rather than pipes: nothing has to drain them while the client runs.
		Path out = this.workDir.resolve("load.out");
		Path err = this.workDir.resolve("load.err");
		Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
		if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly();
			process.waitFor(5, TimeUnit.SECONDS);
			throw new IOException("load " + mode + " " + count + "x" + size + " B against " + server.name()
					+ " did not finish within " + timeout + " (server alive: " + server.isAlive() + ")"
					+ server.tail());
		}
		String stdout = Files.readString(out).trim();
		String stderr = Files.readString(err).trim();
		if (process.exitValue() != 0) {
			throw new IOException("load " + mode + " against " + server.name() + " failed (status "
					+ process.exitValue() + "): " + stdout + " " + stderr);
		}
		return Shell.pairs(stdout);
	}

}
