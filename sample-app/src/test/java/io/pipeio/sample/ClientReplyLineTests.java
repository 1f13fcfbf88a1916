package io.pipeio.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every client example takes its reply line from the out pipe and not a byte more: a line
 * behind it (another client's reply) stays in the pipe for its reader. A reply that fails
 * its check is shown, escaped.
 */
@Timeout(180)
class ClientReplyLineTests {

	private static final String BEHIND = "the reply of another client";

	@ParameterizedTest(name = "{0} client")
	@EnumSource
	void aLineBehindTheReplyStaysInThePipe(ClientExample client, @TempDir Path directory) throws Exception {
		Map<String, FakeChannel> channels = new LinkedHashMap<>();
		List<CompletableFuture<Void>> servers = new ArrayList<>();
		for (String name : List.of("echo", "upper", "calc")) {
			FakeChannel channel = FakeChannel.create(directory, name);
			channels.put(name, channel);
			servers.add(FakeChannel.onItsOwnThread(() -> answerWithALineBehind(channel)));
		}
		try {
			List<String> command = new ArrayList<>(client.command());
			command.add(directory.toString());
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			boolean ended = process.waitFor(60, TimeUnit.SECONDS);
			if (!ended) {
				process.destroyForcibly();
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(ended && process.exitValue() == 0).as("%s client passed; output:%n%s", client.language(), output)
				.isTrue();
			CompletableFuture.allOf(servers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
			for (FakeChannel channel : channels.values()) {
				assertThat(channel.unread()).as("%s.out after the %s client", channel.name(), client.language())
					.isEqualTo(BEHIND + "\n");
			}
		}
		finally {
			for (FakeChannel channel : channels.values()) {
				channel.out().close();
			}
		}
	}

	/**
	 * An echo reply with a stray carriage return shows it as {@code \r}, and a calc reply
	 * that is not the expected JSON, an error object or no JSON at all, is shown too
	 * rather than only a parser's complaint.
	 */
	@ParameterizedTest(name = "{0} client")
	@EnumSource
	void anUnexpectedReplyIsShownEscaped(ClientExample client, @TempDir Path directory) throws Exception {
		for (String calc : List.of("{\"error\":\"boom\"}", "boom, no JSON")) {
			Path pipes = Files.createTempDirectory(directory, "pipes");
			Map<String, String> replies = new LinkedHashMap<>();
			replies.put("echo", "hello pipe-io\r");
			replies.put("upper", "H\u00c9LLO W\u00d6RLD");
			replies.put("calc", calc);
			List<CompletableFuture<Void>> servers = new ArrayList<>();
			for (Map.Entry<String, String> reply : replies.entrySet()) {
				FakeChannel channel = FakeChannel.create(pipes, reply.getKey());
				servers.add(FakeChannel.onItsOwnThread(() -> answer(channel, reply.getValue())));
			}
			List<String> command = new ArrayList<>(client.command());
			command.add(pipes.toString());
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			boolean ended = process.waitFor(60, TimeUnit.SECONDS);
			if (!ended) {
				process.destroyForcibly();
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(ended && process.exitValue() == 1).as("%s client failed; output:%n%s", client.language(), output)
				.isTrue();
			assertThat(output).as("%s client's output", client.language())
				.contains("upper: ok")
				.contains("hello pipe-io\\r")
				.doesNotContain("\r")
				.containsPattern("calc: FAILED: [^\n]*boom");
			CompletableFuture.allOf(servers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
		}
	}

	/**
	 * Read one request line, answer it with this line and leave.
	 */
	private static void answer(FakeChannel channel, String reply) {
		try (FileChannel in = channel.in(); FileChannel out = channel.out()) {
			channel.readRequest();
			out.write(ByteBuffer.wrap((reply + "\n").getBytes(StandardCharsets.UTF_8)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Read one request line and answer it as the sample app would, with a line behind.
	 */
	private static void answerWithALineBehind(FakeChannel channel) {
		try (FileChannel in = channel.in()) {
			String request = channel.readRequest();
			String reply = switch (channel.name()) {
				case "upper" -> request.toUpperCase(Locale.ROOT);
				case "calc" -> "{\"result\":3}";
				default -> request;
			};
			// one write: the reply and the line behind it arrive together
			channel.out().write(ByteBuffer.wrap((reply + "\n" + BEHIND + "\n").getBytes(StandardCharsets.UTF_8)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
