package io.pipeio.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short bash script as a client process (for example
 * {@code printf 'a\xff\n' > x.in}), so tests also see the pipes as a shell does.
 */
public final class ShellClient {

	private ShellClient() {
	}

	/**
	 * Run a bash script and require it to succeed within ten seconds.
	 * @param script the script
	 * @return its standard output
	 */
	public static String run(String script) {
		try {
			Process process = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
			process.getOutputStream().close();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new AssertionError("bash did not finish within 10 s: " + script);
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (process.exitValue() != 0) {
				throw new AssertionError("bash exited with " + process.exitValue() + ": " + script + "\n" + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

}
