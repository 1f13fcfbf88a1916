package io.pipeio.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the server of a {@link Variant} as a separate process (the C echo, or this jar's
 * {@code echo-engine} / {@code spring-echo} sub-commands on the same JDK), each in its
 * own FIFO directory with its own log, and waits until it really echoes. Remembers every
 * process it started so that a shutdown hook can kill them all.
 *
 * @author pipe-io
 */
final class ServerLauncher {

	private final Path echoBinary;

	private final List<String> jvmArgs;

	private final Path workDir;

	private final Path logDir;

	private final CpuPinning pinning;

	private final LoadClient loadClient;

	private final List<ServerProcess> started = new ArrayList<>();

	ServerLauncher(Path echoBinary, List<String> jvmArgs, Path workDir, Path logDir, CpuPinning pinning,
			LoadClient loadClient) {
		this.echoBinary = echoBinary;
		this.jvmArgs = jvmArgs;
		this.workDir = workDir;
		this.logDir = logDir;
		this.pinning = pinning;
		this.loadClient = loadClient;
	}

	/**
	 * Start a server; {@link #awaitReady} tells when it serves.
	 * @param variant what to start
	 * @param tag appended to the variant id to name its directory and log (several
	 * servers of one variant run in one harness)
	 * @param extra more server options (ignored by the C echo)
	 * @param pin whether to pin it to {@link CpuPinning#SERVER_CPU} (if pinning is on)
	 * @return the process
	 * @throws IOException if it cannot be started
	 */
	ServerProcess start(Variant variant, String tag, List<String> extra, boolean pin) throws IOException {
		Path dir = Files.createDirectory(this.workDir.resolve(variant.id + tag));
		List<String> command = command(variant, dir, extra);
		ServerProcess server = ServerProcess.start(variant.id + tag,
				pin ? this.pinning.wrap(CpuPinning.SERVER_CPU, command) : command, dir,
				this.logDir.resolve(variant.id + tag + ".log"), variant.isJava());
		this.started.add(server);
		return server;
	}

	private List<String> command(Variant variant, Path dir, List<String> extra) {
		List<String> command = new ArrayList<>();
		if (!variant.isJava()) {
			command.add(this.echoBinary.toString());
			command.add(dir.toString());
			return command;
		}
		command.add(Shell.javaExecutable());
		command.addAll(this.jvmArgs);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(BenchmarkMain.class.getName());
		command.addAll(variant.serverArguments(dir, extra));
		return command;
	}

	/**
	 * Wait until the server has said it is ready (Java servers), its FIFOs exist and one
	 * echo round trip works. The C echo says nothing, so for it the FIFOs and the round
	 * trip are the only sign; for every server the round trip shows that it serves, not
	 * merely that it started.
	 * @param server the server
	 * @param timeout how long it may take
	 * @return the Java server's {@code ready} reply without the word, or "" for the C
	 * echo
	 * @throws Exception if it exits or the timeout passes first, or the round trip fails
	 */
	String awaitReady(ServerProcess server, Duration timeout) throws Exception {
		String ready = server.isControllable() ? server.awaitReply("ready", timeout) : "";
		long deadline = System.nanoTime() + timeout.toNanos();
		Path in = server.directory().resolve("echo.in");
		Path out = server.directory().resolve("echo.out");
		while (!(Files.exists(in) && Files.exists(out))) {
			if (!server.isAlive()) {
				throw new IOException(server.name() + " exited during start" + server.tail());
			}
			if (System.nanoTime() > deadline) {
				throw new IOException(server.name() + " created no FIFOs within " + timeout + server.tail());
			}
			Thread.sleep(20);
		}
		this.loadClient.run("pingpong", server, 10, 100, Duration.ofSeconds(30));
		return ready;
	}

	/** Kill every server started so far, at once (harness shutdown hook). */
	void killAll() {
		this.started.forEach(ServerProcess::kill);
	}

}
