package io.pipeio.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.pipeio.testsupport.Python;

/**
 * Client processes (python3, bash, coreutils) for tests that need real separate writers.
 * Every wait is bounded and a process that overstays is killed, so a broken server fails
 * the test.
 */
final class TestProcesses {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Writes lines {@code <id>:<i>:<padding of i % 200 'x'>} for i in [0, count) to a
	 * FIFO, one {@code write(2)} per line (atomic below PIPE_BUF), so several writers may
	 * share the pipe.
	 */
	static final String PYTHON_LINE_WRITER = """
			import os, sys
			path, ident, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
			fd = os.open(path, os.O_WRONLY)
			for i in range(count):
			    os.write(fd, ("%s:%d:%s\\n" % (ident, i, "x" * (i % 200))).encode())
			os.close(fd)
			""";

	private TestProcesses() {
	}

	static Process start(String... command) throws IOException {
		return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
			.start();
	}

	/** Start a command whose standard input the test writes to. */
	static Process startWithInput(String... command) throws IOException {
		return new ProcessBuilder(command).start();
	}

	/**
	 * Run a command to its end and return its standard output.
	 * @throws AssertionError if it fails or overstays {@link #TIMEOUT}
	 */
	static String run(String... command) throws IOException, InterruptedException {
		return awaitSuccess(start(command));
	}

	static String awaitSuccess(Process process) throws IOException, InterruptedException {
		if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroyForcibly();
			throw new AssertionError(process.info().commandLine().orElse("process") + " did not end within " + TIMEOUT);
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
		if (process.exitValue() != 0) {
			throw new AssertionError(process.info().commandLine().orElse("process") + " exited with "
					+ process.exitValue() + ": " + errors);
		}
		return output;
	}

	/** Start a Python script with arguments. */
	static Process python(String script, String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of(Python.interpreter(), "-c", script));
		command.addAll(List.of(arguments));
		return start(command.toArray(String[]::new));
	}

	/** Kill whatever is still running, for test cleanup. */
	static void destroy(List<Process> processes) {
		processes.forEach(Process::destroyForcibly);
	}

}
