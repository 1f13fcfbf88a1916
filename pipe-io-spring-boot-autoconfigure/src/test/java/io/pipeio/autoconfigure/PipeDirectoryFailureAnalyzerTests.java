package io.pipeio.autoconfigure;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.pipeio.core.PipeChannelStartException;
import io.pipeio.server.PipeFileException;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContextException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A directory the operating system refuses (permission denied, read-only file system, not
 * a directory, no such directory) fails startup with a description naming the channel and
 * the directory, and an action naming {@code pipe-io.directory} and the fix, instead of a
 * raw {@code mkfifo(...) failed with errno 13} or {@code FileSystemException}.
 * <p>
 * The read-only file system is real: a tmpfs mounted read-only (tests run as root, as the
 * security tests that create users do). Root is never denied permission, so those errors
 * are built as the JDK and the engine build them.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class PipeDirectoryFailureAnalyzerTests {

	@TempDir
	Path directory;

	private Path mounted;

	@AfterEach
	void unmount() throws Exception {
		if (this.mounted != null) {
			run("umount", this.mounted.toString());
		}
	}

	@Test
	void readOnlyFileSystemNamesTheDirectoryAndTheProperty(CapturedOutput output) throws Exception {
		Path readOnly = mountReadOnly();
		Path pipes = readOnly.resolve("pipes");
		SpringApplication application = new SpringApplication(Config.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException()
			.isThrownBy(() -> application.run("--pipe-io.directory=" + pipes, "--pipe-io.channels.echo.charset=UTF-8"));
		assertThat(output)
			.contains("Channel 'echo' cannot create its pipes in " + pipes + ": " + pipes
					+ " is on a read-only file system")
			.contains("Set pipe-io.directory to a directory on a writable file system");
	}

	@Test
	void readOnlyPipeDirectoryItselfIsExplainedToo() throws Exception {
		Path readOnly = mountReadOnly();
		PipeIoContextRunners.withDirectory(readOnly)
			.withPropertyValues("pipe-io.channels.echo.charset=UTF-8")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PipeDirectoryFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("Channel 'echo' cannot create its pipes in " + readOnly)
					.contains(readOnly.resolve(".pipe-io.lock") + " is on a read-only file system");
				assertThat(analysis.getAction()).contains("pipe-io.directory");
			});
	}

	static Stream<Arguments> rawErrors() {
		Path dir = Path.of("/srv/app/pipes");
		String fifo = dir.resolve("echo.in").toString();
		return Stream.of(
				// missing here: to be created for this user, as root
				Arguments.of(new AccessDeniedException(dir.toString()), "may not create " + dir,
						"Create " + dir + " for this user (as root: mkdir -p -m 700 " + dir + " && chown "),
				Arguments.of(new IOException("mkfifo(" + fifo + ") failed with errno 13 (Permission denied)"),
						"may not create " + fifo, "chown"),
				Arguments.of(new FileSystemException(dir.toString(), null, "Operation not permitted"),
						"may not create " + dir, "set pipe-io.directory to a directory this user owns"),
				Arguments.of(new FileSystemException(dir.toString(), null, "Read-only file system"),
						dir + " is on a read-only file system", "writable file system"),
				Arguments.of(new IOException("mkfifo(" + fifo + ") failed with errno 30"), "read-only file system",
						"writable file system"),
				Arguments.of(new FileSystemException(dir.toString(), null, "Not a directory"),
						"a part of " + dir + " is not a directory", "Set pipe-io.directory to a directory"),
				Arguments.of(new NotDirectoryException(dir.toString()), "is not a directory", "remove or rename"),
				Arguments.of(new IOException("open(" + fifo + ") failed with errno 20"), "is not a directory",
						"remove or rename"),
				Arguments.of(new NoSuchFileException(dir.toString()), "does not exist and cannot be created",
						"mkdir -p -m 700 " + dir));
	}

	@ParameterizedTest
	@MethodSource("rawErrors")
	void rawDirectoryErrorsBecomeADescriptionAndAnActionNamingTheProperty(IOException error, String description,
			String action) {
		FailureAnalysis analysis = new PipeDirectoryFailureAnalyzer().analyze(startFailure(error));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).startsWith("Channel 'echo' cannot create its pipes in /srv/app/pipes: ")
			.contains(description)
			.contains(error.getMessage());
		assertThat(analysis.getAction()).contains(action).contains("pipe-io.directory");
	}

	@Test
	void aDirectoryThisUserMayNotWriteIsToBeGivenToIt() {
		Path in = this.directory.resolve("echo.in");
		PipeChannelStartException failure = new PipeChannelStartException("echo", in,
				this.directory.resolve("echo.out"), new AccessDeniedException(in.toString()));
		FailureAnalysis analysis = new PipeDirectoryFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getAction()).contains("Let this user write to " + this.directory)
			.contains("chmod 700 " + this.directory)
			.doesNotContain("mkdir");
	}

	@Test
	void anOutPipeElsewhereIsNamedWithItsOwnDirectory() {
		PipeChannelStartException failure = new PipeChannelStartException("echo", Path.of("/srv/app/pipes/echo.in"),
				Path.of("/srv/other/echo.out"), new AccessDeniedException("/srv/other/echo.out"));
		FailureAnalysis analysis = new PipeDirectoryFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).startsWith("Channel 'echo' cannot create its pipes in /srv/other:");
		assertThat(analysis.getAction()).contains("pipe-io.channels.echo.in-pipe and out-pipe");
	}

	@Test
	void otherErrorsAreLeftToOtherAnalyzers() {
		PipeDirectoryFailureAnalyzer analyzer = new PipeDirectoryFailureAnalyzer();
		assertThat(analyzer.analyze(
				startFailure(new PipeFileException(Path.of("/srv/app/pipes/echo.in"), "found a" + " regular file"))))
			.isNull();
		assertThat(
				analyzer.analyze(startFailure(new IOException("mkfifo(/srv/app/pipes/echo.in) failed with errno 28"))))
			.isNull();
		assertThat(analyzer.analyze(new IllegalStateException("unrelated"))).isNull();
	}

	private static Throwable startFailure(IOException error) {
		return new ApplicationContextException("Failed to start bean 'pipeChannelRegistry'",
				new PipeChannelStartException("echo", Path.of("/srv/app/pipes/echo.in"),
						Path.of("/srv/app/pipes/echo.out"), error));
	}

	private Path mountReadOnly() throws Exception {
		Path readOnly = Files.createDirectory(this.directory.resolve("read-only"));
		run("mount", "-t", "tmpfs", "-o", "ro,mode=0700,size=64k", "tmpfs", readOnly.toString());
		this.mounted = readOnly;
		return readOnly;
	}

	private static void run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue())
			.as("%s: %s", String.join(" ", command), new String(process.getInputStream().readAllBytes()))
			.isZero();
	}

	@SpringBootConfiguration
	@ImportAutoConfiguration(PipeIoAutoConfiguration.class)
	static class Config {

	}

}
