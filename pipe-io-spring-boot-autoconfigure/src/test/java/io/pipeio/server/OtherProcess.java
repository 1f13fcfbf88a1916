package io.pipeio.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An echo server for one channel in a second JVM, for tests of what two processes on one
 * pipe directory do. The test drives it through its standard input ({@code start},
 * {@code state}, {@code stop}) and reads one answer line per command ({@code SERVING},
 * {@code REFUSED <message>}, the state and last failure, {@code STOPPED}); every wait is
 * bounded, and {@link #close()} kills it.
 */
final class OtherProcess implements AutoCloseable {

	/** Prefix of the answers, telling them apart from whatever else the JVM prints. */
	private static final String ANSWER = "other-process: ";

	/** Generous: a JVM starting on a busy 2-core machine may take several seconds. */
	private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

	private final Process process;

	private final Writer commands;

	private final LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();

	private final List<String> output = Collections.synchronizedList(new ArrayList<>());

	private OtherProcess(Process process) {
		this.process = process;
		this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
		Thread reader = new Thread(this::readOutput, "test-other-process-output");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Launch a JVM that will serve the channel {@code channel} on the given pipes once
	 * told to.
	 * @return the process, not serving yet
	 */
	static OtherProcess launch(String channel, Path in, Path out) throws IOException {
		return launch(List.of(), System.getProperty("java.class.path"), channel, in, out);
	}

	/**
	 * Launch a JVM as another user that will serve the channel {@code channel} on the
	 * given pipes once told to.
	 * @param user the user it runs as
	 * @param classPath a class path that user can read
	 * ({@link TestUser#readableClassPath})
	 * @return the process, not serving yet
	 */
	static OtherProcess launchAs(TestUser user, String classPath, String channel, Path in, Path out)
			throws IOException {
		return launch(user.command(), classPath, channel, in, out);
	}

	private static OtherProcess launch(List<String> prefix, String classPath, String channel, Path in, Path out)
			throws IOException {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		List<String> command = new ArrayList<>(prefix);
		// The other JVM serves on the engine under test too. No perf data: it would leave
		// /tmp/hsperfdata_<user> behind once a test user is gone.
		command.addAll(List.of(java.toString(), "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
				"-D" + TestPipes.ENGINE_PROPERTY + "=" + TestPipes.ENGINE.value(), "-cp", classPath,
				OtherProcess.class.getName(), channel, in.toString(), out.toString()));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		return new OtherProcess(process);
	}

	/**
	 * @return the process id, which the lock file of its directory names
	 */
	long pid() {
		return this.process.pid();
	}

	/**
	 * Start its server.
	 * @return {@code SERVING}, or {@code REFUSED} and the message of the failure
	 */
	String start() {
		return command("start");
	}

	/** Start its server and fail unless it serves. */
	void startServing() {
		String answer = start();
		if (!answer.equals("SERVING")) {
			throw new AssertionError("The other process does not serve: " + answer);
		}
	}

	/**
	 * @return the state of its server, and the message of its last failure after a space,
	 * if it has one
	 */
	String state() {
		return command("state");
	}

	/** Stop its server, which removes its FIFOs and unlocks the directory. */
	void stop() {
		String answer = command("stop");
		if (!answer.equals("STOPPED")) {
			throw new AssertionError("The other process did not stop: " + answer);
		}
	}

	/** Kill it with SIGKILL, as {@code kill -9} would, and wait until it is gone. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		if (!this.process.waitFor(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new AssertionError("The other process did not die within " + ANSWER_TIMEOUT);
		}
	}

	private String command(String command) {
		try {
			this.commands.write(command + "\n");
			this.commands.flush();
			String answer = this.answers.poll(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			if (answer == null) {
				throw new AssertionError(
						"No answer to '" + command + "' within " + ANSWER_TIMEOUT + "; output: " + this.output);
			}
			return answer;
		}
		catch (IOException ex) {
			throw new AssertionError("The other process is gone; output: " + this.output, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private void readOutput() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				this.output.add(line);
				if (line.startsWith(ANSWER)) {
					this.answers.add(line.substring(ANSWER.length()));
				}
			}
		}
		catch (IOException ex) {
			// Killed: the test has what it needs.
		}
	}

	@Override
	public void close() throws InterruptedException {
		kill();
	}

	/**
	 * The second JVM: serves the channel {@code args[0]} with pipes {@code args[1]} and
	 * {@code args[2]}, echoing each line, as the test commands; ends when its input ends.
	 */
	public static void main(String[] args) throws IOException {
		PipeServerSettings settings = TestPipes.settings(args[0], Path.of(args[1]), Path.of(args[2])).build();
		PipeServer[] self = new PipeServer[1];
		PipeServer server = new PipeServer(settings,
				(buffer, offset, length) -> self[0].send(Arrays.copyOfRange(buffer, offset, offset + length)));
		self[0] = server;
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		for (String command = commands.readLine(); command != null; command = commands.readLine()) {
			if (command.equals("start")) {
				try {
					server.start();
					answer("SERVING");
				}
				catch (IOException ex) {
					answer("REFUSED " + ex.getMessage());
				}
			}
			else if (command.equals("state")) {
				Throwable failure = server.getLastFailure();
				answer(server.getState() + ((failure != null) ? " " + failure.getMessage() : ""));
			}
			else if (command.equals("stop")) {
				server.stop();
				answer("STOPPED");
			}
		}
		server.stop();
	}

	private static void answer(String answer) {
		System.out.println(ANSWER + answer);
		System.out.flush();
	}

}
