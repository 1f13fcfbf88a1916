package io.pipeio.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every client example of {@code clients/} (bash, Python, Node.js, C, Java) as a separate
 * process against the running sample app.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Timeout(180)
class ClientExamplesTests extends SampleAppTestSupport {

	private static final Path CLIENTS = Path.of("..", "clients").toAbsolutePath().normalize();

	static Stream<Arguments> clients() {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		return Stream.of(Arguments.of("bash", List.of("bash", CLIENTS.resolve("bash/client.sh").toString())),
				Arguments.of("python", List.of("python3", CLIENTS.resolve("python/client.py").toString())),
				Arguments.of("node", List.of("node", CLIENTS.resolve("node/client.js").toString())),
				Arguments.of("c", List.of(compileC().toString())),
				Arguments.of("java", List.of(java, CLIENTS.resolve("java/Client.java").toString())));
	}

	@ParameterizedTest(name = "{0} client")
	@MethodSource("clients")
	void clientTalksToTheSampleApp(String language, List<String> command) throws Exception {
		List<String> arguments = new ArrayList<>(command);
		arguments.add(this.directory.toString());
		Process process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
		boolean ended = process.waitFor(60, TimeUnit.SECONDS);
		if (!ended) {
			process.destroyForcibly();
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(ended).as("%s client ended; output:%n%s", language, output).isTrue();
		assertThat(process.exitValue()).as("%s client exit status; output:%n%s", language, output).isZero();
		assertThat(output).contains("echo: ok", "upper: ok", "calc: ok");
	}

	private static Path compileC() {
		try {
			Path binary = Path.of("target", "clients", "client").toAbsolutePath();
			Files.createDirectories(binary.getParent());
			Process gcc = new ProcessBuilder("gcc", "-std=c99", "-Wall", "-Wextra", "-O2", "-o", binary.toString(),
					CLIENTS.resolve("c/client.c").toString())
				.redirectErrorStream(true)
				.start();
			String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
				throw new IllegalStateException("gcc failed: " + output);
			}
			return binary;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
