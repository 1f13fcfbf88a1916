package io.pipeio.server;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throwaway local user for security tests: created with {@code useradd}, its processes
 * started with {@code setpriv}, removed (with whatever it still runs) on
 * {@link #close()}. Tests run as root, which is what lets them create it; a machine where
 * that fails fails the test, it does not skip it. Public for the security tests of other
 * packages.
 */
public final class TestUser implements AutoCloseable {

	/**
	 * A Python every user can run (a per-user Python of root's home is out of its reach).
	 */
	public static final String PYTHON = "/usr/bin/python3";

	public final String name;

	public final int uid;

	public final int gid;

	private final List<Process> processes = new ArrayList<>();

	private TestUser(String name, int uid, int gid) {
		this.name = name;
		this.uid = uid;
		this.gid = gid;
	}

	public static TestUser create() throws IOException, InterruptedException {
		String name = "pipeio-t" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
		TestProcesses.run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name);
		int uid = Integer.parseInt(TestProcesses.run("id", "-u", name).trim());
		int gid = Integer.parseInt(TestProcesses.run("id", "-g", name).trim());
		return new TestUser(name, uid, gid);
	}

	/**
	 * @return the words that run the command after them as this user, with no
	 * supplementary groups; a process started so is the test's to end before
	 * {@link #close()}
	 */
	public List<String> command() {
		return List.of("setpriv", "--reuid=" + this.uid, "--regid=" + this.gid, "--clear-groups", "--");
	}

	/** Start a command as this user, with no supplementary groups. */
	public Process start(String... command) throws IOException {
		List<String> full = new ArrayList<>(command());
		full.addAll(List.of(command));
		Process process = TestProcesses.start(full.toArray(String[]::new));
		this.processes.add(process);
		return process;
	}

	/** Run a Python script as this user to its end and return its standard output. */
	public String python(String script, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(PYTHON, "-c", script));
		command.addAll(List.of(arguments));
		return TestProcesses.awaitSuccess(start(command.toArray(String[]::new)));
	}

	/**
	 * Copy what a JVM of the engine needs from the test's class path (the class
	 * directories, JNA and Commons Logging) where every user can read it: the build's
	 * class path may be under root's home. The directory it is copied to must let others
	 * traverse the directories above it.
	 * @param into a directory to create, to hold the copy
	 * @return the class path of the copy
	 */
	public static String readableClassPath(Path into) throws IOException, InterruptedException {
		Path copy = Files.createDirectory(into);
		List<String> entries = new ArrayList<>();
		int i = 0;
		for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
			Path source = Path.of(entry);
			String name = source.getFileName().toString();
			if (Files.isDirectory(source) || name.startsWith("jna") || name.startsWith("commons-logging")
					|| name.startsWith("spring-jcl")) {
				Path target = copy.resolve(i++ + (Files.isDirectory(source) ? "" : "-" + name));
				TestProcesses.run("cp", "-r", source.toString(), target.toString());
				entries.add(target.toString());
			}
		}
		TestProcesses.run("chmod", "-R", "a+rX", copy.toString());
		return String.join(File.pathSeparator, entries);
	}

	@Override
	public void close() throws IOException, InterruptedException {
		TestProcesses.destroy(this.processes);
		for (Process process : this.processes) {
			process.waitFor();
		}
		TestProcesses.run("userdel", this.name);
	}

}
