package io.pipeio.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exit statuses every client example promises in {@code clients/README.md}, without a
 * server: 1 for a missing FIFO (named), a path that is not a FIFO (left untouched) or a
 * server gone before it answered, 2 when FIFOs are there but nobody answers.
 */
@Timeout(180)
class ClientExitStatusTests {

	private static final List<String> CHANNELS = List.of("echo", "upper", "calc");

	@ParameterizedTest(name = "{0} client")
	@EnumSource
	void clientRefusesToWriteIntoARegularFile(ClientExample client, @TempDir Path directory) throws Exception {
		for (String channel : CHANNELS) {
			Files.createFile(directory.resolve(channel + ".in"));
			Files.createFile(directory.resolve(channel + ".out"));
		}
		Process process = start(client, directory);
		String output = awaitEnd(client, process);
		assertThat(process.exitValue()).as("%s client exit status; output:%n%s", client.language(), output)
			.isEqualTo(1);
		assertThat(output).doesNotContain(": ok").contains("echo.in is not a FIFO");
		for (String channel : CHANNELS) {
			assertThat(directory.resolve(channel + ".in")).as("%s client wrote into it", client.language())
				.isEmptyFile();
		}
	}

	/**
	 * A missing FIFO is named: the echo channel's in pipe is missing, its out pipe is
	 * there.
	 */
	@ParameterizedTest(name = "{0} client")
	@EnumSource
	void aMissingFifoIsNamed(ClientExample client, @TempDir Path directory) throws Exception {
		assertThat(new ProcessBuilder("mkfifo", "-m", "600", directory.resolve("echo.out").toString()).inheritIO()
			.start()
			.waitFor()).isZero();
		Process process = start(client, directory);
		String output = awaitEnd(client, process);
		assertThat(process.exitValue()).as("%s client exit status; output:%n%s", client.language(), output)
			.isEqualTo(1);
		assertThat(output).contains(directory.resolve("echo.in").toString()).doesNotContain("echo.out");
	}

	/**
	 * A server that reads the echo request and goes away without answering (its out pipe
	 * ends): every client tells at once, with status 1, instead of waiting for its
	 * timeout. It stops there: the upper and calc FIFOs are left with nobody holding
	 * them, as a server that died leaves them, and opening one would block until the
	 * timeout.
	 */
	@ParameterizedTest(name = "{0} client")
	@EnumSource
	void aServerGoneBeforeItAnswersIsReportedAtOnce(ClientExample client, @TempDir Path directory) throws Exception {
		FakeChannel echo = FakeChannel.create(directory, "echo");
		CompletableFuture<Void> server = FakeChannel.onItsOwnThread(() -> readOneLineAndLeave(echo));
		mkfifo(directory, List.of("upper", "calc"));
		Process process = start(client, directory);
		String output = awaitEnd(client, process);
		assertThat(process.exitValue()).as("%s client exit status; output:%n%s", client.language(), output)
			.isEqualTo(1);
		assertThat(output).contains("closed before a full reply line arrived").doesNotContain("timed out");
		server.get(10, TimeUnit.SECONDS);
	}

	/** The request read, both pipes are closed. */
	private static void readOneLineAndLeave(FakeChannel channel) {
		try (FileChannel in = channel.in(); FileChannel out = channel.out()) {
			channel.readRequest();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * All clients at once, so the test lasts one timeout (10 s), not seven; each in a
	 * directory of its own, because a client holding a FIFO open would count as the
	 * server for another one. The Node.js client tells at once that no server holds the
	 * FIFOs (its non-blocking open fails) and exits with 1.
	 */
	@Test
	void clientsGiveUpWithStatus2WhenNoServerAnswers(@TempDir Path directory) throws Exception {
		Map<ClientExample, Process> processes = new EnumMap<>(ClientExample.class);
		for (ClientExample client : ClientExample.values()) {
			Path pipes = Files.createDirectory(directory.resolve(client.language()));
			mkfifo(pipes, CHANNELS);
			processes.put(client, start(client, pipes));
		}
		for (Map.Entry<ClientExample, Process> entry : processes.entrySet()) {
			ClientExample client = entry.getKey();
			String output = awaitEnd(client, entry.getValue());
			int expected = (client == ClientExample.NODE) ? 1 : 2;
			assertThat(entry.getValue().exitValue()).as("%s client exit status; output:%n%s", client.language(), output)
				.isEqualTo(expected);
			assertThat(output).contains((expected == 2) ? "timed out after 10 s" : "no server is reading");
		}
	}

	/** Make the FIFOs of these channels, and hold none of them open. */
	private static void mkfifo(Path directory, List<String> channels) throws IOException, InterruptedException {
		List<String> mkfifo = new ArrayList<>(List.of("mkfifo", "-m", "600"));
		for (String channel : channels) {
			mkfifo.add(directory.resolve(channel + ".in").toString());
			mkfifo.add(directory.resolve(channel + ".out").toString());
		}
		assertThat(new ProcessBuilder(mkfifo).inheritIO().start().waitFor()).isZero();
	}

	private static Process start(ClientExample client, Path directory) throws IOException {
		List<String> arguments = new ArrayList<>(client.command());
		arguments.add(directory.toString());
		return new ProcessBuilder(arguments).redirectErrorStream(true).start();
	}

	private static String awaitEnd(ClientExample client, Process process) throws InterruptedException, IOException {
		boolean ended = process.waitFor(60, TimeUnit.SECONDS);
		if (!ended) {
			process.destroyForcibly();
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(ended).as("%s client ended; output:%n%s", client.language(), output).isTrue();
		return output;
	}

}
