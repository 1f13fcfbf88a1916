package io.pipeio.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample jar run from the code that {@code spring-boot:process-aot}
 * generated at build time ({@code -Dspring.aot.enabled=true}), as a native image would
 * run it: its bean definitions are not computed at start, so this proves that the
 * generated code registers the listeners and channels and that they answer. Run by
 * Failsafe after {@code package}.
 */
@Timeout(180)
class SampleJarAotIT {

	@TempDir
	Path directory;

	/** The jar's temporary directory, where it extracts its plug-in scripts. */
	@TempDir
	Path temporary;

	private Process process;

	@AfterEach
	void killLeftover() throws InterruptedException {
		if (this.process != null) {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void aotProcessedJarServesItsChannelsAndPlugin() throws Exception {
		int port = SampleJarIT.freePort();
		StringBuffer output = start(port);
		List<String> pipes = List.of("calc.in", "calc.out", "echo.in", "echo.out", "shout.in", "shout.out", "upper.in",
				"upper.out");
		await().atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(100))
			.failFast("the application exited:\n" + output, () -> !this.process.isAlive())
			.until(() -> output.toString().contains("Started SampleApplication")
					&& pipes.stream().allMatch((pipe) -> Files.exists(this.directory.resolve(pipe))));
		assertThat(output.toString()).contains("Starting AOT-processed SampleApplication");
		assertThat(PipeTestClient.request(this.directory, "echo", "ping")).isEqualTo("ping");
		assertThat(PipeTestClient.request(this.directory, "upper", "ping")).isEqualTo("PING");
		assertThat(PipeTestClient.request(this.directory, "calc", "{\"op\":\"mul\",\"a\":6,\"b\":7}"))
			.isEqualTo("{\"result\":42}");
		assertThat(PipeTestClient.request(this.directory, "calc", "{\"op\":\"pow\",\"a\":6,\"b\":7}"))
			.isEqualTo("{\"error\":\"unknown op 'pow'; use add, sub, mul or div\"}");
		HttpResponse<String> shout = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/shout?text=aot"))
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(shout.body()).as("output:%n%s", output).isEqualTo("AOT!");
		this.process.destroy(); // SIGTERM
		assertThat(this.process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM:%n%s", output).isTrue();
		for (String pipe : pipes) {
			assertThat(this.directory.resolve(pipe)).as("removed on shutdown").doesNotExist();
		}
	}

	/**
	 * pipe-io's beans were settled at build time, so the switch cannot leave them out: it
	 * keeps every channel from starting, and says so.
	 */
	@Test
	void switchedOffAtRunTimeTheAotProcessedJarCreatesNoPipeAndStartsNoPlugin() throws Exception {
		int port = SampleJarIT.freePort();
		StringBuffer output = start(port, "--pipe-io.enabled=false");
		await().atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(100))
			.failFast("the application exited:\n" + output, () -> !this.process.isAlive())
			.until(() -> output.toString().contains("Started SampleApplication"));
		assertThat(output.toString()).contains("pipe-io.enabled is false, but this application was processed ahead"
				+ " of time with pipe-io enabled, so its beans exist: no channel is started");
		HttpResponse<String> shout = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/shout?text=aot"))
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(shout.statusCode()).as("output:%n%s", output).isEqualTo(503);
		assertThat(this.directory).as("output:%n%s", output).isEmptyDirectory();
		assertThat(output.toString()).doesNotContain("plug-in ready");
	}

	private StringBuffer start(int port, String... arguments) throws IOException {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		List<String> command = new ArrayList<>(List.of(java.toString(), "-Dspring.aot.enabled=true",
				"-Djava.io.tmpdir=" + this.temporary, "-jar", SampleJarIT.findJar().toString(),
				"--pipe-io.directory=" + this.directory, "--server.port=" + port, "--server.address=127.0.0.1"));
		command.addAll(List.of(arguments));
		this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
		this.process.getOutputStream().close();
		return collect(this.process.getInputStream());
	}

	/**
	 * Read a process's output on a daemon thread, so the process never blocks on a full
	 * pipe.
	 */
	private static StringBuffer collect(InputStream stream) {
		StringBuffer text = new StringBuffer();
		Thread reader = new Thread(() -> {
			byte[] buffer = new byte[8192];
			try (stream) {
				int read;
				while ((read = stream.read(buffer)) >= 0) {
					text.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
				}
			}
			catch (IOException ex) {
				// the process ended: destroying it closes the stream under this reader
			}
		}, "sample-aot-jar-output");
		reader.setDaemon(true);
		reader.start();
		return text;
	}

}
