package io.pipeio.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shell commands that the sample app logs at start and that the READMEs show work as
 * printed, and write nothing when a channel's FIFOs are not there: a shell's {@code >}
 * would leave a regular file that keeps the channel from starting again. The command for
 * a channel a plug-in answers goes through the application, never its pipes. It reads one
 * line and ends when the server goes away.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(120)
class ShellTryCommandsTests extends SampleAppTestSupport {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	@Autowired
	ChannelBanner banner;

	@ParameterizedTest(name = "{0} with {1}")
	@CsvSource(delimiter = '|', textBlock = """
			echo  | sh   | hello
			upper | sh   | HELLO
			calc  | sh   | {"result":3}
			calc  | bash | {"result":3}
			shout | sh   | HELLO!
			""")
	void theLoggedCommandGetsAReply(String channel, String shell, String reply) throws Exception {
		String command = this.banner.tryCommand(this.registry.getRequiredChannel(channel));
		assertThat(run(shell, command)).isEqualTo(new Result(0, reply + "\n"));
	}

	@Test
	void theLoggedCommandWritesNothingWhileTheChannelIsStopped() throws Exception {
		String command = this.banner.tryCommand(this.registry.getRequiredChannel("upper"));
		this.registry.stop("upper");
		try {
			assertThat(this.directory.resolve("upper.in")).doesNotExist();
			assertThat(run("sh", command).status()).isNotZero();
			assertThat(this.directory.resolve("upper.in")).doesNotExist();
			assertThat(this.directory.resolve("upper.out")).doesNotExist();
		}
		finally {
			this.registry.start("upper");
		}
		assertThat(run("sh", command)).isEqualTo(new Result(0, "HELLO\n"));
	}

	/**
	 * The logged command, pointed at a fake server that reads the request and leaves,
	 * ends at once: its shell is no writer of the out pipe, which then ends.
	 * @param directory where the fake server's pipes are
	 */
	@Test
	void theLoggedCommandEndsWhenTheServerLeavesWithoutAReply(@TempDir Path directory) throws Exception {
		String command = loggedCommand("upper", directory);
		FakeChannel upper = FakeChannel.create(directory, "upper");
		CompletableFuture<String> server = CompletableFuture.supplyAsync(() -> {
			try (FileChannel in = upper.in(); FileChannel out = upper.out()) {
				return upper.readRequest();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		Result result = run("sh", command);
		assertThat(server.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
		assertThat(result.status()).isNotZero();
		assertThat(result.output()).isEmpty();
	}

	/**
	 * The logged command takes its reply line and not a byte more: the line behind it,
	 * another reader's, stays in the pipe.
	 * @param directory where the fake server's pipes are
	 */
	@Test
	void theLoggedCommandLeavesTheLineBehindTheReply(@TempDir Path directory) throws Exception {
		String command = loggedCommand("upper", directory);
		FakeChannel upper = FakeChannel.create(directory, "upper");
		try (FileChannel in = upper.in(); FileChannel out = upper.out()) {
			CompletableFuture<Void> server = FakeChannel.onItsOwnThread(() -> {
				try {
					String reply = upper.readRequest().toUpperCase(Locale.ROOT) + "\nanother reader's reply\n";
					out.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
			assertThat(run("sh", command)).isEqualTo(new Result(0, "HELLO\n"));
			server.get(10, TimeUnit.SECONDS);
			assertThat(upper.unread()).isEqualTo("another reader's reply\n");
		}
	}

	/**
	 * The command logged for this channel of the app, with its pipes in this directory.
	 */
	private String loggedCommand(String channel, Path directory) {
		String command = this.banner.tryCommand(this.registry.getRequiredChannel(channel));
		assertThat(command).contains(this.directory.toString());
		return command.replace(this.directory.toString(), directory.toString());
	}

	@Test
	void theReadmeCommandGetsAReply() throws Exception {
		String block = firstBlock(ROOT.resolve("README.md"), "```console\n$ in=");
		List<String> commands = block.lines()
			.filter((line) -> line.startsWith("$ "))
			.map((line) -> line.substring(2))
			.toList();
		String script = String.join("\n", commands).replace("/run/myapp/pipes", this.directory.toString());
		assertThat(run("sh", script)).isEqualTo(new Result(0, "HELLO\n"));
	}

	@Test
	void theClientsReadmeCommandSendsValidJson() throws Exception {
		String block = firstBlock(ROOT.resolve("clients/README.md"), "```sh\nd=");
		String script = block.replace("\"${TMPDIR:-/tmp}/pipe-io\"", "'" + this.directory + "'");
		assertThat(run("sh", script)).isEqualTo(new Result(0, "{\"result\":3}\n"));
	}

	private static String firstBlock(Path file, String start) throws IOException {
		Matcher block = Pattern.compile(Pattern.quote(start) + "(.*?)```", Pattern.DOTALL)
			.matcher(Files.readString(file));
		assertThat(block.find()).as("a block starting with %s in %s", start, file).isTrue();
		return start.substring(start.indexOf('\n') + 1) + block.group(1);
	}

	private static Result run(String shell, String script) throws Exception {
		Process process = new ProcessBuilder(shell, "-c", script).redirectErrorStream(true).start();
		process.getOutputStream().close();
		boolean ended = process.waitFor(30, TimeUnit.SECONDS);
		if (!ended) {
			process.destroyForcibly();
		}
		assertThat(ended).as("%s -c %s ended", shell, script).isTrue();
		return new Result(process.exitValue(),
				new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
	}

	private record Result(int status, String output) {
	}

}
