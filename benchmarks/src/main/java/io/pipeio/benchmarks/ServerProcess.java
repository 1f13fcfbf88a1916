package io.pipeio.benchmarks;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark server started by the harness as a separate process: its output goes to a
 * log file, the {@link ServerControl} replies it prints are picked out for
 * {@link #command}.
 *
 * @author pipe-io
 */
final class ServerProcess implements AutoCloseable {

	private final String name;

	private final Path directory;

	private final Path log;

	private final Process process;

	private final boolean controllable;

	private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

	private final BufferedWriter stdin;

	private final long launchNanos;

	private ServerProcess(String name, Path directory, Path log, Process process, boolean controllable,
			long launchNanos) {
		this.name = name;
		this.directory = directory;
		this.log = log;
		this.process = process;
		this.controllable = controllable;
		this.launchNanos = launchNanos;
		this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
		Thread pump = new Thread(this::pump, "pump-" + name);
		pump.setDaemon(true);
		pump.start();
	}

	/**
	 * Start a server.
	 * @param name a name for messages
	 * @param command the command line
	 * @param directory the directory of its FIFOs
	 * @param log where its output goes
	 * @param controllable whether it speaks the {@link ServerControl} protocol (the Java
	 * servers)
	 * @return the started process
	 * @throws IOException if it cannot be started
	 */
	static ServerProcess start(String name, List<String> command, Path directory, Path log, boolean controllable)
			throws IOException {
		Files.createDirectories(log.getParent());
		long launch = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		return new ServerProcess(name, directory, log, process, controllable, launch);
	}

	private void pump() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
				Writer out = Files.newBufferedWriter(this.log, StandardCharsets.UTF_8)) {
			String line;
			while ((line = reader.readLine()) != null) {
				out.write(line);
				out.write('\n');
				out.flush();
				if (line.startsWith(ServerControl.PREFIX)) {
					this.replies.add(line.substring(ServerControl.PREFIX.length()));
				}
			}
		}
		catch (IOException ex) {
			// The process ended.
		}
	}

	String name() {
		return this.name;
	}

	Path directory() {
		return this.directory;
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * @return whether it speaks the {@link ServerControl} protocol (and so says when it
	 * is ready)
	 */
	boolean isControllable() {
		return this.controllable;
	}

	/**
	 * Wait for a reply line starting with a word (such as {@code ready}).
	 * @param word the first word of the reply
	 * @param timeout how long to wait
	 * @return the reply without the word
	 * @throws IOException if the process ends or the timeout passes first
	 */
	String awaitReply(String word, Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (System.nanoTime() < deadline) {
				String reply = this.replies.poll(100, TimeUnit.MILLISECONDS);
				if (reply != null) {
					if (reply.equals(word) || reply.startsWith(word + " ")) {
						return reply.substring(word.length()).trim();
					}
					if (reply.startsWith("error ")) {
						throw new IOException(this.name + ": " + reply);
					}
				}
				else if (!this.process.isAlive() && this.replies.isEmpty()) {
					throw new IOException(this.name + " exited with status " + this.process.exitValue() + " before '"
							+ word + "'; see " + this.log + tail());
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", ex);
		}
		throw new IOException(this.name + ": no '" + word + "' within " + timeout + "; see " + this.log + tail());
	}

	/**
	 * @return nanoseconds from launching the process to now
	 */
	long nanosSinceLaunch() {
		return System.nanoTime() - this.launchNanos;
	}

	/**
	 * Send a command and wait for its reply.
	 * @param command the command, such as {@code mem-report}
	 * @param timeout how long to wait for the reply
	 * @return the reply without the command word
	 * @throws IOException if there is no reply
	 */
	String command(String command, Duration timeout) throws IOException {
		if (!this.controllable) {
			throw new IOException(this.name + " takes no commands");
		}
		this.stdin.write(command);
		this.stdin.write('\n');
		this.stdin.flush();
		return awaitReply(command, timeout);
	}

	/**
	 * @return the last lines of the log, for error messages
	 */
	String tail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return "\n  | " + String.join("\n  | ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
		}
		catch (IOException ex) {
			return "";
		}
	}

	@Override
	public void close() {
		if (this.process.isAlive() && this.controllable) {
			try {
				this.stdin.write("quit\n");
				this.stdin.flush();
			}
			catch (IOException ex) {
				// Already going.
			}
		}
		try {
			this.stdin.close();
		}
		catch (IOException ex) {
			// Already closed.
		}
		try {
			if (!this.process.waitFor(this.controllable ? 30 : 0, TimeUnit.SECONDS)) {
				this.process.destroy();
				if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
					this.process.waitFor(5, TimeUnit.SECONDS);
				}
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	/** Kill at once (harness shutdown hook). */
	void kill() {
		this.process.destroyForcibly();
	}

}
