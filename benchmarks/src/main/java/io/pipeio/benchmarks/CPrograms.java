package io.pipeio.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The C echo (the OS limit every variant is compared with) and the C load client (the
 * same driver for every variant), compiled from {@code benchmarks/c/} into
 * {@code target/c/} at each run so the numbers always come from the sources next to them.
 *
 * @param echo the echo server binary
 * @param load the load client binary
 * @author pipe-io
 */
record CPrograms(Path echo, Path load) {

	/**
	 * Compile both programs with {@code gcc -O2 -pthread}.
	 * @param benchmarksDir the directory holding {@code c/}
	 * @param targetDir where {@code c/echo} and {@code c/load} go
	 * @return the binaries
	 * @throws IOException if a source is missing or gcc fails
	 * @throws InterruptedException if interrupted while gcc runs
	 */
	static CPrograms compile(Path benchmarksDir, Path targetDir) throws IOException, InterruptedException {
		Path out = targetDir.resolve("c");
		Files.createDirectories(out);
		CPrograms programs = new CPrograms(out.resolve("echo"), out.resolve("load"));
		for (Path binary : List.of(programs.echo(), programs.load())) {
			Path source = benchmarksDir.resolve("c").resolve(binary.getFileName() + ".c");
			if (!Files.exists(source)) {
				throw new IOException(source + " not found; run from the repository root or pass --benchmarks-dir");
			}
			String output = Shell.exec(List.of("gcc", "-O2", "-pthread", "-o", binary.toString(), source.toString()),
					Duration.ofMinutes(2));
			if (!output.isBlank()) {
				System.out.println(output);
			}
		}
		System.out.println("Compiled " + programs.echo() + " and " + programs.load() + " with gcc -O2 -pthread");
		return programs;
	}

}
