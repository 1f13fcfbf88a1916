package io.pipeio.plugin;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plug-in host on the event loop whose process runs out of file descriptors: the
 * plug-in's exit cannot be marked in the in pipe nor its out pipe emptied, and its
 * launches fail. Each of those is one WARN line, without a stack trace (the system's
 * refusal says it all), the plug-in backs off between its launches rather than giving up
 * or spinning, and it runs and answers again once descriptors are free.
 * <p>
 * The host runs in a JVM of its own ({@link #main}), whose descriptor limit the test
 * lowers and raises with {@code prlimit}: the limit is the process's, and lowering it
 * here would fail whatever else the test JVM opens meanwhile. Its class path is made of
 * jars, as an application's is: a class loaded from a directory takes a descriptor, and
 * one that cannot be loaded then stays unloadable.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PluginOutOfDescriptorsTests {

	/** Prefix of the host's answers, telling them apart from its log. */
	private static final String ANSWER = "plugin-host: ";

	private static final Duration WAIT = Duration.ofSeconds(30);

	/**
	 * {@code backoff.max} of the plug-in: launches that keep failing are this far apart.
	 */
	private static final Duration BACKOFF_MAX = Duration.ofMillis(400);

	/** What a failed launch logs (its reason goes to the plug-in's log too). */
	private static final String FAILED_LAUNCH = "PluginSupervisor -- Plug-in of channel 'calc': cannot start";

	private static final Pattern LOG_TIME = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) ");

	@TempDir
	Path dir;

	private final List<String> output = Collections.synchronizedList(new ArrayList<>());

	private final LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();

	private Process host;

	private Writer commands;

	@AfterEach
	void killHost() throws InterruptedException {
		if (this.host != null) {
			this.host.destroyForcibly().waitFor();
		}
	}

	@Test
	void aPluginThatCannotBeLaunchedForWantOfDescriptorsBacksOffAndRecoversWithOneLineWarnings() throws Exception {
		launchHost();
		assertThat(command("request")).isEqualTo("ANSWER HELLO");
		// Once with descriptors to spare: an exit and a restart as usual.
		kill(command("pid"));
		await().atMost(WAIT).until(() -> command("state").equals("RUNNING 1"));
		assertThat(command("request")).isEqualTo("ANSWER HELLO");
		String limit = prlimit();
		// Every open fails (EMFILE): descriptors 0 to 2 are taken.
		prlimit("--nofile=3:");
		kill(command("pid"));
		await().atMost(WAIT)
			.until(() -> count("Could not mark the end of what the plug-in of channel 'calc' wrote") > 0
					&& count(FAILED_LAUNCH) >= 6);
		await().atMost(WAIT).until(() -> command("state").startsWith("BACKOFF"));
		prlimit("--nofile=" + limit + ":");
		await().atMost(WAIT).until(() -> command("state").startsWith("RUNNING"));
		assertThat(command("request")).isEqualTo("ANSWER HELLO");
		List<String> log = List.copyOf(this.output);
		assertThat(log).filteredOn((line) -> line.contains("Could not empty the out pipe of channel 'calc'"))
			.isNotEmpty()
			.allSatisfy((line) -> assertThat(line).contains(" WARN ")
				.contains("requests the plug-in left unread may reach its next instance (java.io.IOException: ")
				.contains("(Too many open files))"));
		assertThat(log).filteredOn((line) -> line.contains("Could not mark the end"))
			.allSatisfy((line) -> assertThat(line).contains(" WARN ")
				.contains(
						"lines it left in the in pipe may answer the next instance's requests (java.io.IOException: "));
		// One line each: what follows each warning is the next record, not a stack trace.
		for (int i = 0; i < log.size() - 1; i++) {
			if (log.get(i).contains("Could not empty the out pipe") || log.get(i).contains("Could not mark the end")) {
				assertThat(log.get(i + 1)).as("the line after: " + log.get(i)).matches(LOG_TIME.pattern() + ".*");
			}
		}
		// One warning per exit, though the out pipe is emptied twice: before the waiting
		// requests are failed and after. Not for the first exit, before the limit was
		// lowered, nor perhaps for the last, whose pipe may be emptied just after it was
		// raised again.
		long exits = count("Plug-in of channel 'calc' exited")
				+ count("Plug-in of channel 'calc' could not be launched");
		assertThat(count("Could not empty the out pipe")).isBetween(exits - 2, exits - 1);
		// Backed off: the launches that kept failing came to be backoff.max apart.
		List<LocalTime> failedLaunches = times(FAILED_LAUNCH);
		assertThat(Duration.between(failedLaunches.get(failedLaunches.size() - 2),
				failedLaunches.get(failedLaunches.size() - 1)))
			.isGreaterThanOrEqualTo(BACKOFF_MAX.minusMillis(50));
	}

	private void launchHost() throws IOException, InterruptedException {
		List<String> classPath = new ArrayList<>();
		for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
			Path path = Path.of(entry);
			classPath.add(Files.isDirectory(path) ? jar(path, this.dir.resolve(classPath.size() + ".jar")).toString()
					: entry);
		}
		String java = ProcessHandle.current().info().command().orElseThrow();
		this.host = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp",
				String.join(File.pathSeparator, classPath), PluginOutOfDescriptorsTests.class.getName(),
				this.dir.resolve("pipes").toString())
			.redirectErrorStream(true)
			.start();
		this.commands = new OutputStreamWriter(this.host.getOutputStream(), StandardCharsets.UTF_8);
		Thread reader = new Thread(this::readOutput, "test-plugin-host-output");
		reader.setDaemon(true);
		reader.start();
		assertThat(answer("start")).isEqualTo("READY");
	}

	private static Path jar(Path directory, Path jar) throws IOException {
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
				Stream<Path> files = Files.walk(directory)) {
			for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
				out.putNextEntry(new JarEntry(directory.relativize(file).toString().replace(File.separatorChar, '/')));
				Files.copy(file, out);
				out.closeEntry();
			}
		}
		return jar;
	}

	private void readOutput() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.host.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				if (line.startsWith(ANSWER)) {
					this.answers.add(line.substring(ANSWER.length()));
				}
				else if (!line.contains(" DEBUG ")) {
					this.output.add(line);
				}
			}
		}
		catch (IOException ex) {
			// killed: the test has what it needs
		}
	}

	private String command(String command) throws IOException, InterruptedException {
		this.commands.write(command + "\n");
		this.commands.flush();
		return answer(command);
	}

	private String answer(String command) throws InterruptedException {
		String answer = this.answers.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(answer).as(() -> "the answer to " + command + "; output: " + this.output).isNotNull();
		return answer;
	}

	private long count(String text) {
		synchronized (this.output) {
			return this.output.stream().filter((line) -> line.contains(text)).count();
		}
	}

	private List<LocalTime> times(String text) {
		synchronized (this.output) {
			return this.output.stream()
				.filter((line) -> line.contains(text))
				.map(LOG_TIME::matcher)
				.filter(Matcher::find)
				.map((time) -> LocalTime.parse(time.group(1)))
				.toList();
		}
	}

	private static void kill(String pid) throws Exception {
		run("kill", "-KILL", pid);
	}

	/**
	 * @return the host's soft limit of descriptors
	 */
	private String prlimit() throws Exception {
		return run("prlimit", "--pid", Long.toString(this.host.pid()), "--nofile", "--raw", "--noheadings",
				"--output=SOFT")
			.trim();
	}

	private void prlimit(String limit) throws Exception {
		run("prlimit", "--pid", Long.toString(this.host.pid()), limit);
	}

	private static String run(String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		return output;
	}

	/**
	 * The host: a channel {@code calc} on the event loop whose plug-in upper-cases lines
	 * and is always restarted, quickly. Driven through its standard input, which needs no
	 * new descriptor: {@code pid} answers the plug-in's pid, {@code state} its state and
	 * restarts, {@code request} the answer to {@code hello} or the failure.
	 * @param args the pipe directory
	 */
	public static void main(String[] args) {
		PipeIoContextRunners.withDirectory(Path.of(args[0]))
			.withPropertyValues("pipe-io.engine=event-loop", "pipe-io.channels.calc.plugin.command[0]=bash",
					"pipe-io.channels.calc.plugin.command[1]=-c",
					"pipe-io.channels.calc.plugin.command[2]=while IFS= read -r l; do printf '%s\\n' \"${l^^}\"; done",
					"pipe-io.channels.calc.plugin.restart=always", "pipe-io.channels.calc.plugin.backoff.initial=50ms",
					"pipe-io.channels.calc.plugin.backoff.max=" + BACKOFF_MAX.toMillis() + "ms",
					"pipe-io.channels.calc.plugin.max-restarts=10000", "pipe-io.channels.calc.plugin.stop-timeout=2s")
			.run((context) -> {
				PluginSupervisor plugin = context.getBean(PipeChannelRegistry.class)
					.getRequiredChannel("calc")
					.getPlugin();
				PipeRequestOperations requests = context.getBean(PipeRequestOperations.class);
				BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
				tell("READY");
				for (String command = commands.readLine(); command != null; command = commands.readLine()) {
					switch (command) {
						case "pid" -> tell(String.valueOf(plugin.getPid()));
						case "state" -> tell(plugin.getState() + " " + plugin.getRestarts());
						case "request" -> {
							try {
								tell("ANSWER " + requests.sendAndReceive("calc", "hello", Duration.ofSeconds(10)));
							}
							catch (RuntimeException ex) {
								tell("FAILED " + ex);
							}
						}
						default -> tell("UNKNOWN " + command);
					}
				}
			});
	}

	private static void tell(String answer) {
		System.out.println(ANSWER + answer);
		System.out.flush();
	}

}
