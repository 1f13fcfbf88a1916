package io.pipeio.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.pipeio.core.DeadLetterFileException;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A dead-letter file that cannot be written fails startup with a description of what is
 * at its path, or why it cannot be created, and an action naming the property.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class DeadLetterFileFailureAnalyzerTests {

	@TempDir
	Path directory;

	@Test
	void whatIsAtThePathIsToBeRemovedOrTheFileMoved(CapturedOutput output) throws Exception {
		Path taken = Files.createDirectory(this.directory.resolve("taken.jsonl"));
		SpringApplication application = new SpringApplication(Config.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--pipe-io.directory=" + this.directory.resolve("pipes"),
				"--pipe-io.channels.echo.charset=UTF-8", "--pipe-io.channels.echo.dead-letter.file=" + taken));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Channel 'echo' cannot write dead letters to " + taken + ": not a regular file")
			.contains("Remove or rename what is at " + taken)
			.contains("set pipe-io.channels.echo.dead-letter.file (or pipe-io.channel-defaults.dead-letter.file");
		assertThat(taken).isEmptyDirectory();
	}

	@Test
	void anotherUsersFileIsLeftAloneAndExplained() throws Exception {
		Path theirs = Files.writeString(this.directory.resolve("theirs.jsonl"), "their line\n");
		Files.setAttribute(theirs, "unix:uid", 54321);
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.echo.dead-letter.file=" + theirs)
			.run((context) -> {
				FailureAnalysis analysis = analysisOf(context);
				assertThat(analysis.getDescription()).contains("owned by uid 54321");
				assertThat(analysis.getAction()).contains("Remove or rename what is at " + theirs)
					.contains("pipe-io.channels.echo.dead-letter.file");
			});
		assertThat(theirs).hasContent("their line");
	}

	@Test
	void aFileTheSystemRefusesToOpenIsNotBlamedOnWhatIsThere() throws Exception {
		// A refusal such as a process out of descriptors: the file itself is fine.
		Path file = Files.writeString(this.directory.resolve("letters.jsonl"), "");
		IOException refusal = new IOException("open(" + file + ") failed with errno 24 (Too many open files)");
		FailureAnalysis analysis = new DeadLetterFileFailureAnalyzer()
			.analyze(new DeadLetterFileException("echo", file, refusal.getMessage(), refusal));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("Too many open files");
		assertThat(analysis.getAction()).startsWith("Fix what the system refused")
			.contains("set pipe-io.channels.echo.dead-letter.file")
			.doesNotContain("Remove");
	}

	@Test
	void aFileThatCannotBeCreatedIsToBeMadeCreatableOrMoved() {
		// /proc takes no new directory, not even from root
		Path file = Path.of("/proc/no-such-dir/letters.jsonl");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.echo.dead-letter.file=" + file)
			.run((context) -> {
				FailureAnalysis analysis = analysisOf(context);
				assertThat(analysis.getDescription()).isEqualTo("Channel 'echo' cannot write dead letters to " + file
						+ ": /proc/no-such-dir does not" + " exist.");
				assertThat(analysis.getAction()).startsWith("Let this user (")
					.contains("set pipe-io.channels.echo.dead-letter.file")
					.doesNotContain("Remove");
			});
	}

	private static FailureAnalysis analysisOf(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		assertThat(context.getStartupFailure()).hasCauseInstanceOf(DeadLetterFileException.class);
		FailureAnalysis analysis = new DeadLetterFileFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).isNotNull();
		return analysis;
	}

	@SpringBootConfiguration
	@ImportAutoConfiguration(PipeIoAutoConfiguration.class)
	static class Config {

	}

}
