package io.pipeio.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample jar as an operator runs it: {@code java -jar} with a pipe directory
 * and a port, stopped with SIGTERM. Run by Failsafe after {@code package}.
 */
@Timeout(180)
class SampleJarIT {

	private static final List<String> PIPES = List.of("calc.in", "calc.out", "echo.in", "echo.out", "upper.in",
			"upper.out");

	@TempDir
	Path directory;

	/**
	 * The jar's temporary directory: the plug-in scripts it extracts there outlive a
	 * SIGKILL, and go with it.
	 */
	@TempDir
	Path temporary;

	private final List<Process> processes = new ArrayList<>();

	@AfterEach
	void killLeftovers() throws InterruptedException {
		for (Process process : this.processes) {
			process.destroyForcibly();
			process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void createsOwnerOnlyFifosAndServesThem() throws Exception {
		RunningJar app = start();
		app.awaitStarted();
		for (String pipe : PIPES) {
			Path path = this.directory.resolve(pipe);
			assertThat(isFifo(path)).as("%s is a FIFO", path).isTrue();
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)))
				.as("mode of %s", path)
				.isEqualTo("rw-------");
		}
		assertThat(PipeTestClient.request(this.directory, "echo", "ping")).isEqualTo("ping");
		assertThat(PipeTestClient.request(this.directory, "upper", "ping")).isEqualTo("PING");
		assertThat(PipeTestClient.request(this.directory, "calc", "{\"op\":\"add\",\"a\":1,\"b\":2}"))
			.isEqualTo("{\"result\":3}");
	}

	@Test
	void commandLineAndEnvironmentOverrideChannelsDeclaredAsEmptyMappings() throws Exception {
		// application.yml declares upper and calc as "{}", which Spring Boot 4.1 binds as
		// an empty value
		RunningJar app = start(List.of("--pipe-io.channels.upper.permissions=rw-rw----"),
				Map.of("PIPE_IO_CHANNELS_CALC_IN_PIPE", "calc-custom.in"));
		List<String> pipes = List.of("calc-custom.in", "calc.out", "echo.in", "echo.out", "upper.in", "upper.out");
		app.awaitStarted(pipes);
		assertThat(mode(this.directory.resolve("upper.in"))).isEqualTo("rw-rw----");
		assertThat(mode(this.directory.resolve("upper.out"))).isEqualTo("rw-rw----");
		assertThat(mode(this.directory.resolve("echo.in"))).isEqualTo("rw-------");
		assertThat(isFifo(this.directory.resolve("calc-custom.in"))).isTrue();
		assertThat(this.directory.resolve("calc.in")).doesNotExist();
		assertThat(PipeTestClient.request(this.directory, "upper", "ping")).isEqualTo("PING");
	}

	@Test
	void anInvalidCommandLineOverrideOfAChannelDeclaredAsAnEmptyMappingFailsStartup() throws Exception {
		RunningJar app = start(List.of("--pipe-io.channels.upper.max-message-size=-1"), Map.of());
		assertThat(app.process().waitFor(90, TimeUnit.SECONDS)).as("startup failed and the JVM exited").isTrue();
		assertThat(app.process().exitValue()).isNotZero();
		assertThat(app.output().toString()).contains("pipe-io.channels.upper.max-message-size");
		assertThat(list(this.directory)).isEmpty();
	}

	@Test
	void sigtermWithClientsAttachedExitsWithinFiveSecondsAndRemovesThePipes() throws Exception {
		RunningJar app = start();
		app.awaitStarted();
		// A shell client holds echo.in and echo.out and never reads: the echoes of its
		// 300 KB fill the out pipe and block the writer with replies still queued. A
		// client in this JVM is attached to upper and reads.
		Process shell = track(new ProcessBuilder("bash", "-c",
				"exec 3<'" + this.directory.resolve("echo.out") + "' 4>'" + this.directory.resolve("echo.in")
						+ "'; head -c 300000 /dev/zero | tr '\\0' x | fold -w 999 >&4;"
						+ " echo attached; exec sleep 120")
			.redirectErrorStream(true)
			.start());
		assertThat(new String(shell.getInputStream().readNBytes(9), StandardCharsets.UTF_8)).isEqualTo("attached\n");
		try (PipeTestClient client = PipeTestClient.connect(this.directory, "upper")) {
			client.send("before shutdown");
			assertThat(client.receive()).isEqualTo("BEFORE SHUTDOWN");
			long start = System.nanoTime();
			app.process().destroy(); // SIGTERM
			boolean exited = app.process().waitFor(5, TimeUnit.SECONDS);
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(exited).as("exited within 5 s after SIGTERM (output:%n%s)", app.output()).isTrue();
			assertThat(took).isLessThan(Duration.ofSeconds(5));
			for (String pipe : PIPES) {
				assertThat(this.directory.resolve(pipe)).as("removed on shutdown").doesNotExist();
			}
			await().atMost(Duration.ofSeconds(5)).until(client::isAtEndOfFile);
		}
	}

	@Test
	void regularFileAtAPipePathFailsStartupAndIsLeftAlone() throws Exception {
		Path file = this.directory.resolve("echo.in");
		Files.writeString(file, "precious data\n");
		RunningJar app = start();
		assertThat(app.process().waitFor(90, TimeUnit.SECONDS)).as("startup failed and the JVM exited").isTrue();
		assertThat(app.process().exitValue()).isNotZero();
		assertThat(app.output().toString()).contains(file.toString()).contains("regular file");
		assertThat(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).isTrue();
		assertThat(Files.readString(file)).isEqualTo("precious data\n");
		assertThat(list(this.directory)).containsExactly(file);
	}

	@Test
	void symlinkAtAPipePathFailsStartupAndLinkAndTargetAreLeftAlone(@TempDir Path elsewhere) throws Exception {
		Path target = elsewhere.resolve("target.txt");
		Files.writeString(target, "do not write here\n");
		Path link = Files.createSymbolicLink(this.directory.resolve("upper.out"), target);
		RunningJar app = start();
		assertThat(app.process().waitFor(90, TimeUnit.SECONDS)).as("startup failed and the JVM exited").isTrue();
		assertThat(app.process().exitValue()).isNotZero();
		assertThat(app.output().toString()).contains(link.toString()).contains("symbolic link");
		assertThat(Files.isSymbolicLink(link)).isTrue();
		assertThat(Files.readSymbolicLink(link)).isEqualTo(target);
		assertThat(Files.readString(target)).isEqualTo("do not write here\n");
		assertThat(list(elsewhere)).containsExactly(target);
		assertThat(list(this.directory)).containsExactly(link);
	}

	@Test
	void shoutPluginAnswersOverHttpWhateverTheWorkingDirectory(@TempDir Path elsewhere) throws Exception {
		int port = freePort();
		RunningJar app = start(port, elsewhere);
		app.awaitStarted();
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/shout?text=hello"))
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("output:%n%s", app.output()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("HELLO!");
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/plain"));
		await().atMost(Duration.ofSeconds(30)).until(() -> app.output().toString().contains("shout plug-in ready"));
		assertThat(app.output().toString()).containsPattern("INFO.*io\\.pipeio\\.plugin\\.shout.*shout plug-in ready");
	}

	@Test
	void pluginExitsWhenTheHostIsKilledWithSigkill() throws Exception {
		RunningJar app = start(freePort(), Path.of("."));
		app.awaitStarted();
		await().atMost(Duration.ofSeconds(30)).until(() -> shoutPlugin(app.process()).isPresent());
		ProcessHandle plugin = shoutPlugin(app.process()).orElseThrow();
		app.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
		assertThat(app.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(30)).until(() -> !plugin.isAlive());
	}

	private static java.util.Optional<ProcessHandle> shoutPlugin(Process host) {
		return host.toHandle()
			.children()
			.filter((child) -> child.info()
				.arguments()
				.map((args) -> String.join(" ", args).contains("shout.sh"))
				.orElse(false))
			.findFirst();
	}

	private RunningJar start() throws IOException {
		return start(freePort(), Path.of("."), List.of(), Map.of());
	}

	private RunningJar start(int port, Path workingDirectory) throws IOException {
		return start(port, workingDirectory, List.of(), Map.of());
	}

	private RunningJar start(List<String> extraArguments, Map<String, String> environment) throws IOException {
		return start(freePort(), Path.of("."), extraArguments, environment);
	}

	private RunningJar start(int port, Path workingDirectory, List<String> extraArguments,
			Map<String, String> environment) throws IOException {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		List<String> command = new ArrayList<>(List.of(java.toString(), "-Djava.io.tmpdir=" + this.temporary, "-jar",
				findJar().toString(), "--pipe-io.directory=" + this.directory, "--server.port=" + port,
				"--server.address=127.0.0.1"));
		command.addAll(extraArguments);
		ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
			.redirectErrorStream(true);
		builder.environment().putAll(environment);
		Process process = track(builder.start());
		process.getOutputStream().close();
		return new RunningJar(process, Output.collect(process.getInputStream()), this.directory);
	}

	private Process track(Process process) {
		this.processes.add(process);
		return process;
	}

	static Path findJar() throws IOException {
		try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target"), "sample-app-*.jar")) {
			for (Path jar : jars) {
				return jar.toAbsolutePath();
			}
		}
		throw new IllegalStateException("No sample-app jar in target/: run the package phase first");
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static String mode(Path path) throws IOException {
		return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
	}

	private static boolean isFifo(Path path) throws IOException {
		int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
		return (mode & 0170000) == 0010000;
	}

	private static List<Path> list(Path directory) throws IOException {
		try (var files = Files.list(directory)) {
			return files.sorted().toList();
		}
	}

	/**
	 * A started jar and what it printed.
	 */
	private record RunningJar(Process process, Output output, Path directory) {

		void awaitStarted() {
			awaitStarted(PIPES);
		}

		void awaitStarted(List<String> pipes) {
			await().atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(100))
				.failFast("the application exited:\n" + this.output, () -> !this.process.isAlive())
				.until(() -> this.output.toString().contains("Started SampleApplication")
						&& pipes.stream().allMatch((pipe) -> Files.exists(this.directory.resolve(pipe))));
		}

	}

	/**
	 * A process's output, read by a daemon thread so the process never blocks on a full
	 * pipe.
	 */
	private static final class Output {

		private final StringBuffer text = new StringBuffer();

		static Output collect(InputStream stream) {
			Output output = new Output();
			Thread reader = new Thread(() -> {
				byte[] buffer = new byte[8192];
				try (stream) {
					int read;
					while ((read = stream.read(buffer)) >= 0) {
						output.text.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
					}
				}
				catch (IOException ex) {
					// process ended
				}
			}, "sample-jar-output");
			reader.setDaemon(true);
			reader.start();
			return output;
		}

		@Override
		public String toString() {
			return this.text.toString();
		}

	}

}
