package io.pipeio.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every client example of {@code clients/} as a plug-in ({@code --stdio}) given many
 * lines at once by a host that reads its answers late: each line gets its answer, none is
 * lost when stdin ends, and the plug-in exits 0 at EOF. A plug-in whose answers nobody
 * reads any more ends.
 */
@Timeout(120)
class ClientPluginStreamTests {

	private static final int LINES = 20_000;

	private static final int SIGPIPE = 13;

	private static final int LONG_LINE_BYTES = 6 << 20;

	@ParameterizedTest(name = "{0} plug-in")
	@EnumSource
	void everyLineIsAnsweredBeforeThePluginExitsAtEndOfInput(ClientExample client) throws Exception {
		Process plugin = startPlugin(client);
		try {
			CompletableFuture<Void> writing = FakeChannel.onItsOwnThread(() -> write(plugin.getOutputStream()));
			try {
				// The host reads late: once the plug-in took every line, or it stopped
				// taking them for want of room in its stdout.
				writing.get(2, TimeUnit.SECONDS);
			}
			catch (TimeoutException ex) {
				// it waits for the host to read: read now
			}
			List<String> answers = new ArrayList<>();
			try (BufferedReader reader = plugin.inputReader(StandardCharsets.UTF_8)) {
				for (String line = reader.readLine(); line != null; line = reader.readLine()) {
					answers.add(line);
				}
			}
			writing.get(30, TimeUnit.SECONDS);
			assertThat(plugin.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(plugin.exitValue()).isZero();
			assertThat(answers).hasSize(LINES);
			assertThat(answers.get(0)).isEqualTo("LINE 0 À LA LIGNE");
			assertThat(answers.get(LINES - 1)).isEqualTo("LINE " + (LINES - 1) + " À LA LIGNE");
		}
		finally {
			plugin.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	/**
	 * The host stops reading while requests keep coming: the plug-in's next write fails
	 * (EPIPE, or SIGPIPE kills it) and it ends within seconds instead of answering into
	 * the void. How it ends (1, or killed by SIGPIPE) is its language's; it says why in
	 * one line, or nothing when SIGPIPE killed it, never with a stack trace.
	 */
	@ParameterizedTest(name = "{0} plug-in")
	@EnumSource
	void aPluginWhoseAnswersNobodyReadsEnds(ClientExample client, @TempDir Path directory) throws Exception {
		Path stderr = directory.resolve("stderr");
		Process plugin = startPlugin(client, ProcessBuilder.Redirect.to(stderr.toFile()));
		try {
			CompletableFuture<Void> writing = FakeChannel.onItsOwnThread(() -> writeWhileAlive(plugin));
			InputStream answers = plugin.getInputStream();
			// The first answer: the plug-in is up (a JVM or Mono takes a while to start).
			assertThat(answers.read()).isEqualTo('L');
			answers.close();
			assertThat(plugin.waitFor(10, TimeUnit.SECONDS)).as("%s plug-in ended", client.language()).isTrue();
			writing.get(10, TimeUnit.SECONDS);
			String said = Files.readString(stderr, StandardCharsets.UTF_8);
			assertThat(plugin.exitValue()).as("%s plug-in's exit status; stderr:%n%s", client.language(), said)
				.isIn(1, 128 + SIGPIPE);
			assertThat(said).as("%s plug-in's stderr", client.language())
				.doesNotContain("Traceback", "Unhandled", "Exception", "    at ", "\tat ", "throw ");
			assertThat(said.lines().filter((line) -> !line.equals(client.language() + " plug-in ready")))
				.as("%s plug-in's stderr, but for its ready line", client.language())
				.hasSizeLessThanOrEqualTo(1)
				.allMatch((line) -> line.startsWith(client.language() + " plug-in: "));
		}
		finally {
			plugin.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	/**
	 * A line of several megabytes comes back whole, upper-cased, between the answers to
	 * the short lines around it. The Node.js plug-in gets it in many chunks, which may
	 * end inside a character, and joins them itself; a carriage return stays inside its
	 * line.
	 */
	@ParameterizedTest(name = "{0} plug-in")
	@EnumSource(names = "NODE")
	void aLineOfSeveralMegabytesIsAnsweredWhole(ClientExample client) throws Exception {
		String unit = "line \u00e0 la ligne ";
		String longLine = unit.repeat(LONG_LINE_BYTES / unit.getBytes(StandardCharsets.UTF_8).length);
		String requests = "before\n" + longLine + "\nafter\r, the same line\n";
		byte[] expected = ("BEFORE\n" + longLine.toUpperCase(Locale.ROOT) + "\nAFTER\r, THE SAME LINE\n")
			.getBytes(StandardCharsets.UTF_8);
		Process plugin = startPlugin(client);
		try {
			CompletableFuture<Void> writing = FakeChannel
				.onItsOwnThread(() -> write(plugin.getOutputStream(), requests));
			byte[] answers;
			try (InputStream in = plugin.getInputStream()) {
				answers = in.readAllBytes();
			}
			writing.get(30, TimeUnit.SECONDS);
			assertThat(plugin.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(plugin.exitValue()).isZero();
			// Not the bytes themselves: a failure would print megabytes.
			assertThat(Arrays.mismatch(answers, expected))
				.as("first wrong byte of the %s plug-in's answers (%d bytes read, %d expected)", client.language(),
						answers.length, expected.length)
				.isEqualTo(-1);
		}
		finally {
			plugin.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	/** Start a client as a plug-in, its stderr thrown away. */
	private static Process startPlugin(ClientExample client) throws IOException {
		return startPlugin(client, ProcessBuilder.Redirect.DISCARD);
	}

	/** Start a client as a plug-in, its stderr where the test wants it. */
	private static Process startPlugin(ClientExample client, ProcessBuilder.Redirect stderr) throws IOException {
		List<String> command = new ArrayList<>(client.command());
		command.add("--stdio");
		ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr);
		// Python as it runs by default, even where the environment says otherwise: its
		// stdout buffered, and flushed once more at exit.
		builder.environment().remove("PYTHONUNBUFFERED");
		return builder.start();
	}

	/** Send request lines until the plug-in's stdin has no reader: it ended. */
	private static void writeWhileAlive(Process plugin) {
		byte[] line = "line \u00e0 la ligne\n".getBytes(StandardCharsets.UTF_8);
		try (OutputStream out = plugin.getOutputStream()) {
			while (plugin.isAlive()) {
				out.write(line);
				out.flush();
			}
		}
		catch (IOException ex) {
			// the plug-in ended
		}
	}

	private static void write(OutputStream stdin) {
		StringBuilder lines = new StringBuilder();
		for (int i = 0; i < LINES; i++) {
			lines.append("line ").append(i).append(" à la ligne\n");
		}
		write(stdin, lines.toString());
	}

	/** Write requests to a plug-in's stdin, then close it. */
	private static void write(OutputStream stdin, String requests) {
		try (OutputStream out = stdin) {
			out.write(requests.getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
