package io.pipeio.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The client examples of {@code clients/}, one per language, and how to start each. The
 * compiled ones (C, Go, C#) are built once per test JVM by {@code clients/build.sh} into
 * {@code target/clients}; a missing toolchain fails that build, and with it every test
 * that needs it.
 */
enum ClientExample {

	BASH("bash", "bash/client.sh", false), PYTHON("python3", "python/client.py", false),
	NODE("node", "node/client.js", false), C(null, "c/client", true), GO(null, "go/client", true),
	CSHARP("mono", "csharp/client.exe", true),
	JAVA(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "java/Client.java", false);

	/** The repository's {@code clients/} directory; tests run in {@code sample-app/}. */
	static final Path SOURCES = Path.of("..", "clients").toAbsolutePath().normalize();

	/** Where {@code clients/build.sh} puts the compiled clients. */
	static final Path BUILD = Path.of("target", "clients").toAbsolutePath();

	private static boolean built;

	private final @Nullable String launcher;

	private final String file;

	private final boolean compiled;

	ClientExample(@Nullable String launcher, String file, boolean compiled) {
		this.launcher = launcher;
		this.file = file;
		this.compiled = compiled;
	}

	/**
	 * The language, as the clients' README names it.
	 * @return the language
	 */
	String language() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The command that runs this client, without its arguments.
	 * @return the command
	 */
	List<String> command() {
		Path program = this.compiled ? build().resolve(this.file) : SOURCES.resolve(this.file);
		return (this.launcher != null) ? List.of(this.launcher, program.toString()) : List.of(program.toString());
	}

	/**
	 * Build the compiled clients unless this JVM did already.
	 * @return the directory they are in
	 */
	static synchronized Path build() {
		if (!built) {
			run(List.of("bash", SOURCES.resolve("build.sh").toString(), BUILD.toString()));
			built = true;
		}
		return BUILD;
	}

	private static void run(List<String> command) {
		try {
			// Output to a file, not read before waiting: a build that hangs must not
			// outlast the bound below.
			Path log = Files.createTempFile("client-build", ".log");
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(log.toFile())
					.start();
				boolean ended = process.waitFor(120, TimeUnit.SECONDS);
				if (!ended || process.exitValue() != 0) {
					process.destroyForcibly();
					throw new IllegalStateException(
							String.join(" ", command) + (ended ? " failed" : " did not end within 120 s")
									+ " (run .ci/toolchains to install the compilers):\n"
									+ Files.readString(log, StandardCharsets.UTF_8));
				}
			}
			finally {
				Files.deleteIfExists(log);
			}
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
