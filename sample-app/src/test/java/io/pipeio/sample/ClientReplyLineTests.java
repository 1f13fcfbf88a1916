package io.pipeio.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * behind it (another client's reply) stays in the pipe for its reader.
 */
@Timeout(180)
class ClientReplyLineTests {

	private static final String BEHIND = "the reply of another client";

	@ParameterizedTest(name = "{0} client")
	@EnumSource
	void aLineBehindTheReplyStaysInThePipe(ClientExample client, @TempDir Path directory) throws Exception {
		Map<String, FileChannel> outs = new LinkedHashMap<>();
		List<CompletableFuture<Void>> servers = new ArrayList<>();
		for (String channel : List.of("echo", "upper", "calc")) {
			Path in = directory.resolve(channel + ".in");
			Path out = directory.resolve(channel + ".out");
			assertThat(new ProcessBuilder("mkfifo", "-m", "600", in.toString(), out.toString()).inheritIO()
				.start()
				.waitFor()).isZero();
			// Read-write opens never wait, and keep each pipe open for the whole test.
			FileChannel reader = FileChannel.open(in, StandardOpenOption.READ, StandardOpenOption.WRITE);
			FileChannel writer = FileChannel.open(out, StandardOpenOption.READ, StandardOpenOption.WRITE);
			outs.put(channel, writer);
			servers.add(CompletableFuture.runAsync(() -> answerWithALineBehind(channel, reader, writer)));
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
			for (Map.Entry<String, FileChannel> out : outs.entrySet()) {
				assertThat(rest(out.getValue())).as("%s.out after the %s client", out.getKey(), client.language())
					.isEqualTo(BEHIND + "\n");
			}
		}
		finally {
			for (FileChannel out : outs.values()) {
				out.close();
			}
		}
	}

	/**
	 * Read one request line and answer it as the sample app would, with a line behind.
	 */
	private static void answerWithALineBehind(String channel, FileChannel in, FileChannel out) {
		try (in) {
			ByteBuffer buffer = ByteBuffer.allocate(4096);
			while (indexOfNewline(buffer) < 0 && in.read(buffer) > 0) {
				// until the whole request is there
			}
			String request = new String(buffer.array(), 0, indexOfNewline(buffer), StandardCharsets.UTF_8);
			String reply = switch (channel) {
				case "upper" -> request.toUpperCase(Locale.ROOT);
				case "calc" -> "{\"result\":3}";
				default -> request;
			};
			// one write: the reply and the line behind it arrive together
			out.write(ByteBuffer.wrap((reply + "\n" + BEHIND + "\n").getBytes(StandardCharsets.UTF_8)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** What the pipe holds now, read up to an end mark written after it. */
	private static String rest(FileChannel out) throws IOException {
		String end = "end of the test";
		out.write(ByteBuffer.wrap((end + "\n").getBytes(StandardCharsets.UTF_8)));
		ByteBuffer buffer = ByteBuffer.allocate(4096);
		String read = "";
		while (!read.endsWith(end + "\n") && out.read(buffer) > 0) {
			read = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
		}
		return read.substring(0, read.length() - end.length() - 1);
	}

	private static int indexOfNewline(ByteBuffer buffer) {
		for (int i = 0; i < buffer.position(); i++) {
			if (buffer.get(i) == '\n') {
				return i;
			}
		}
		return -1;
	}

}
