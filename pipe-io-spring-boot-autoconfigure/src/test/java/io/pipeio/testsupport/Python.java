package io.pipeio.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Python interpreter tests start their scripts with. The {@code python3} on the
 * {@code PATH} may be a version manager's shim, a shell script that runs a dozen
 * processes before the interpreter: half a second on an idle machine, several on a busy
 * one, enough to outlast a test's bounded wait when it starts Python often or while
 * waiting. So the interpreter {@code python3} leads to is asked for once, and started
 * directly from then on.
 */
public final class Python {

	/** The command found on the {@code PATH}. */
	private static final String COMMAND = "python3";

	private Python() {
	}

	/**
	 * The path of the interpreter {@link #COMMAND} runs, or {@link #COMMAND} itself if it
	 * cannot tell.
	 * @return the command to start Python with
	 */
	public static String interpreter() {
		return Resolved.INTERPRETER;
	}

	/** Asked for on first use only, once for all tests of the JVM. */
	private static final class Resolved {

		static final String INTERPRETER = resolve();

		private static String resolve() {
			try {
				Process process = new ProcessBuilder(COMMAND, "-c", "import sys; print(sys.executable)")
					.redirectError(ProcessBuilder.Redirect.DISCARD)
					.start();
				process.getOutputStream().close();
				// One short line: it fits in the pipe, so the interpreter ends without
				// waiting for it to be read.
				if (process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0) {
					String executable = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
						.trim();
					if (!executable.isEmpty() && Files.isExecutable(Path.of(executable))) {
						return executable;
					}
				}
				process.destroyForcibly();
			}
			catch (IOException ex) {
				// No python3 to ask: tests that need it fail when they start it.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return COMMAND;
		}

	}

}
