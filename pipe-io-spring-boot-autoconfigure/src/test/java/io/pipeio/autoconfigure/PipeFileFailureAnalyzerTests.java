package io.pipeio.autoconfigure;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pipe path or directory that cannot be used fails startup with a description of what
 * is wrong and an action naming the fix and the property.
 */
@Timeout(60)
class PipeFileFailureAnalyzerTests {

	@TempDir
	Path directory;

	@Test
	void unsafeDirectoryFailsStartupWithTheFixAndTheProperty() throws Exception {
		Path shared = Files.createDirectory(this.directory.resolve("shared"));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		PipeIoContextRunners.withDirectory(shared)
			.withPropertyValues("pipe-io.channels.echo.charset=UTF-8")
			.run((context) -> {
				FailureAnalysis analysis = analysisOf(context);
				assertThat(analysis.getDescription()).contains("channel 'echo'")
					.contains(shared.toString())
					.contains("can be written by every user")
					.doesNotContain("Fix:");
				assertThat(analysis.getAction()).contains("chmod go-w " + shared).contains("pipe-io.directory");
				assertThat(shared).isEmptyDirectory();
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "in", "out" })
	void anAbsolutePipePathInAnUnsafeDirectoryIsToBeMovedByItsOwnProperty(String side) throws Exception {
		Path shared = Files.createDirectory(this.directory.resolve("shared"));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.echo." + side + "-pipe=" + shared.resolve("echo." + side))
			.run((context) -> {
				FailureAnalysis analysis = analysisOf(context);
				assertThat(analysis.getDescription()).contains(shared.toString())
					.contains("can be written by every user");
				assertThat(analysis.getAction()).contains("chmod go-w " + shared)
					.contains("pipe-io.channels.echo." + side + "-pipe, where given as a path of its own");
				assertThat(shared).isEmptyDirectory();
			});
	}

	@Test
	void aDeadLetterFileInAnUnsafeDirectoryIsToBeMovedByItsProperty() throws Exception {
		Path shared = Files.createDirectory(this.directory.resolve("shared"));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.echo.dead-letter.file=" + shared.resolve("dead.jsonl"))
			.run((context) -> {
				FailureAnalysis analysis = analysisOf(context);
				assertThat(analysis.getDescription()).contains(shared.toString())
					.contains("dead letters")
					.doesNotContain("pipes");
				assertThat(analysis.getAction()).contains("chmod go-w " + shared)
					.contains("pipe-io.channels.echo.dead-letter.file")
					.doesNotContain("pipe-io.directory");
				assertThat(shared).isEmptyDirectory();
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "in", "out" })
	void foreignFileAtAPipePathFailsStartupNamingThePathAndItsProperty(String side) throws Exception {
		Path planted = Files.writeString(this.directory.resolve("echo." + side), "not a pipe");
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.echo.charset=UTF-8")
			.run((context) -> {
				FailureAnalysis analysis = analysisOf(context);
				assertThat(analysis.getDescription()).contains(planted.toString()).contains("a regular file");
				assertThat(analysis.getAction()).contains("point pipe-io.channels.echo." + side + "-pipe elsewhere")
					.doesNotContain("<name>");
				assertThat(planted).hasContent("not a pipe");
			});
	}

	@Test
	void somethingElseAtTheLockFilesPathIsToBeRemovedOrTheDirectoryChanged() throws Exception {
		Path planted = Files.createSymbolicLink(this.directory.resolve(".pipe-io.lock"),
				Files.writeString(this.directory.resolve("elsewhere"), "kept"));
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.echo.charset=UTF-8")
			.run((context) -> {
				FailureAnalysis analysis = analysisOf(context);
				assertThat(analysis.getDescription()).contains(planted.toString()).contains("a symbolic link");
				assertThat(analysis.getAction()).contains("Remove what is at " + planted)
					.contains("set pipe-io.directory to another directory")
					.doesNotContain("in-pipe");
				assertThat(planted).isSymbolicLink();
			});
	}

	@Test
	void missingPipeThatPipeIoMayNotCreateFailsStartupWithHowToCreateIt() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.echo.charset=UTF-8", "pipe-io.channel-defaults.manage-pipes=false")
			.run((context) -> {
				FailureAnalysis analysis = analysisOf(context);
				assertThat(analysis.getDescription()).contains(this.directory.resolve("echo.in").toString())
					.contains("manage-pipes is off");
				assertThat(analysis.getAction()).contains("mkfifo -m 600 " + this.directory.resolve("echo.in"))
					.contains("pipe-io.channels.echo.manage-pipes")
					.doesNotContain("Remove");
				assertThat(this.directory).isEmptyDirectory();
			});
	}

	@Test
	void pipesAnotherContextOfThisJvmServesAreToBeGivenADirectoryOfTheirOwnWithTestsInMind() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.echo.charset=UTF-8")
			.run((first) -> {
				assertThat(first).hasNotFailed();
				PipeIoContextRunners.withDirectory(this.directory)
					.withPropertyValues("pipe-io.channels.echo.charset=UTF-8")
					.run((second) -> {
						FailureAnalysis analysis = analysisOf(second);
						assertThat(analysis.getDescription()).contains(this.directory.resolve("echo.in").toString())
							.contains("another server in this JVM");
						assertThat(analysis.getAction()).contains("its own pipe-io.directory")
							.contains("pipe-io.channels.echo.in-pipe")
							.contains("In tests")
							.contains("@PipeIoTest");
					});
			});
	}

	@Test
	void aLockFileAnotherProcessHoldsSaysNothingOfTests() throws Exception {
		Path lock = this.directory.resolve(".pipe-io.lock");
		Process holder = new ProcessBuilder("python3", "-c",
				"import fcntl,os,sys\n" + "fd=os.open(sys.argv[1], os.O_RDWR|os.O_CREAT, 0o600)\n"
						+ "fcntl.lockf(fd, fcntl.LOCK_EX)\n" + "os.write(fd, str(os.getpid()).encode()+b'\\n')\n"
						+ "print('locked', flush=True)\n" + "sys.stdin.read()",
				lock.toString())
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		try {
			assertThat(new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
				.readLine()).isEqualTo("locked");
			PipeIoContextRunners.withDirectory(this.directory)
				.withPropertyValues("pipe-io.channels.echo.charset=UTF-8")
				.run((context) -> {
					FailureAnalysis analysis = analysisOf(context);
					assertThat(analysis.getDescription()).contains("process " + holder.pid());
					assertThat(analysis.getAction()).contains("Stop the process that holds the lock file")
						.doesNotContain("In tests");
				});
		}
		finally {
			holder.destroy();
			holder.waitFor();
		}
	}

	/**
	 * @return the analysis of a context's start-up failure, which it must have
	 */
	private static FailureAnalysis analysisOf(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new PipeFileFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).isNotNull();
		return analysis;
	}

}
