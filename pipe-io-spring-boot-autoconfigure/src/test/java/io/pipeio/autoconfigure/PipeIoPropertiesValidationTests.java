package io.pipeio.autoconfigure;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.pipeio.server.DataSizes;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invalid {@code pipe-io.*} values fail startup with a message that names the property
 * and the fix, and leave nothing on disk.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class PipeIoPropertiesValidationTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory);
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|',
			textBlock = """
					charset              | NOT-A-CHARSET | pipe-io.channels.echo.charset 'NOT-A-CHARSET'        | UTF-8
					charset              | UTF-16        | pipe-io.channels.echo.charset 'UTF-16'               | single byte 0x0A
					charset              | UTF-32LE      | pipe-io.channels.echo.charset 'UTF-32LE'             | such as UTF-8
					permissions          | rwxrwxrwz     | pipe-io.channels.echo.permissions 'rwxrwxrwz'        | rw-------
					permissions          | r--------     | pipe-io.channels.echo.permissions 'r--------'        | rw-------
					permissions          | 600           | pipe-io.channels.echo.permissions '600'              | rw-------
					permissions          | rwxrwxrwx     | pipe-io.channels.echo.permissions 'rwxrwxrwx'        | execute bits
					permissions          | rwx------     | pipe-io.channels.echo.permissions 'rwx------'        | such as rw-------
					permissions          | rw-rw---x     | pipe-io.channels.echo.permissions 'rw-rw---x'        | such as rw-rw----
					permissions          | rw-rw-rw-     | pipe-io.channels.echo.permissions 'rw-rw-rw-'        | pipe-io.channels.echo.allow-world-writable=true
					permissions          | rw-------w-   | pipe-io.channels.echo.permissions 'rw-------w-'      | rw-------
					permissions          | rw--w--w-     | lets every user of this machine write                | allow-world-writable=true
					permissions          | rw-r--r--     | lets every user of this machine read the channel's   | allow-world-writable=true
					permissions          | rw-rw-r--     | takes the clients' lines or the replies out of them  | rw-rw---- (a group)
					max-message-size     | -1MB          | pipe-io.channels.echo.max-message-size               | 1MB
					max-message-size     | 0B            | pipe-io.channels.echo.max-message-size               | 1MB
					max-message-size     | 4GB           | pipe-io.channels.echo.max-message-size               | 1MB
					send-queue-capacity  | -5            | pipe-io.channels.echo.send-queue-capacity            | at least 1
					send-queue-capacity  | 0             | pipe-io.channels.echo.send-queue-capacity            | such as 10000
					send-timeout         | -1s           | pipe-io.channels.echo.send-timeout                   | got -1s; use a duration such as 5s
					retry.max-interval   | -2s           | pipe-io.channels.echo.retry.max-interval             | got -2s; use a duration such as 10s
					send-queue-max-bytes | 0B            | pipe-io.channels.echo.send-queue-max-bytes           | 64MB
					send-queue-max-bytes | -1MB          | pipe-io.channels.echo.send-queue-max-bytes           | 64MB
					overflow             | discard       | pipe-io.channels.echo.overflow 'discard'             | drop-oldest or fail
					overflow             | drop          | pipe-io.channels.echo.overflow 'drop'                | block
					dispatch             | fast          | pipe-io.channels.echo.dispatch 'fast'                | use auto, loop or worker
					""")
	void invalidChannelValueFailsStartupNamingTheProperty(String property, String value, String named, String fix) {
		runner().withPropertyValues("pipe-io.channels.echo." + property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
			assertThat(message).contains(named).contains(fix);
			assertThat(this.directory).isEmptyDirectory();
		});
	}

	@Test
	void aRetryMaxIntervalBelowTheInitialOneFailsStartupWhenTheChannelRetries() {
		runner()
			.withPropertyValues("pipe-io.channels.echo.retry.max-attempts=3",
					"pipe-io.channels.echo.retry.initial-interval=20s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
					.contains("pipe-io.channel-defaults.retry.max-interval (10s) must not be less than"
							+ " pipe-io.channels.echo.retry.initial-interval (20s); raise the one or lower the other");
			});
		// Without retries the intervals are not used.
		runner().withPropertyValues("pipe-io.channels.echo.retry.initial-interval=20s")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@ParameterizedTest
	@ValueSource(strings = { "..", ".", "a.b", "my chan", "caf\u00e9" })
	void aChannelNameOtherThanLettersDigitsDashesAndUnderscoresFailsStartup(String name) {
		// "{channel}/x.in" would put the pipe of channel ".." beside the pipe directory
		runner().withPropertyValues("pipe-io.channels.[" + name + "].in-pipe={channel}/x.in").run((context) -> {
			assertThat(context).hasFailed();
			String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
			assertThat(message).contains("pipe-io.channels: '" + name + "' is not a valid channel name")
				.contains("use ASCII letters, digits, '-' or '_'");
			assertThat(this.directory).isEmptyDirectory();
			assertThat(this.directory.resolveSibling("x.in")).doesNotExist();
		});
	}

	@Test
	void channelNamesThatRelaxedBindingCannotTellApartFailStartup() {
		runner()
			.withPropertyValues("pipe-io.channels.my-channel.charset=UTF-8", "pipe-io.channels.myChannel.charset=UTF-8",
					"pipe-io.channels.other.charset=UTF-8")
			.run((context) -> {
				assertThat(context).hasFailed();
				String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
				assertThat(message).contains("pipe-io.channels: 'my-channel', 'myChannel' differ only in case")
					.contains("give them names that differ otherwise")
					.doesNotContain("'other'");
				assertThat(this.directory).isEmptyDirectory();
			});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			rwxrwx---  | nobody else write access
			rwx----w-  | nobody else write access
			rw-------  | give the owner rwx
			rwxr-x--z  | not a permission string
			""")
	void invalidDirectoryPermissionsFailStartupNamingTheProperty(String value, String problem) {
		runner().withPropertyValues("pipe-io.directory-permissions=" + value, "pipe-io.channels.echo.charset=UTF-8")
			.run((context) -> {
				assertThat(context).hasFailed();
				String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
				assertThat(message).contains("pipe-io.directory-permissions '" + value + "'")
					.contains(problem)
					.contains("rwx------");
				assertThat(this.directory).isEmptyDirectory();
			});
	}

	@Test
	void twoChannelsSharingAPipePathFailStartup() {
		runner().withPropertyValues("pipe-io.channels.a.in-pipe=shared", "pipe-io.channels.b.out-pipe=shared")
			.run((context) -> {
				assertThat(context).hasFailed();
				String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
				assertThat(message).contains("pipe-io.channels.a.in-pipe")
					.contains("pipe-io.channels.b.out-pipe")
					.contains(this.directory.resolve("shared").toString())
					.contains("change one of them");
				assertThat(this.directory).isEmptyDirectory();
			});
	}

	@Test
	void twoChannelsSharingAPipeThroughRelativeAndAbsolutePathsFailStartup() {
		runner()
			.withPropertyValues("pipe-io.channels.a.in-pipe=" + this.directory.resolve("x/../b.in"),
					"pipe-io.channels.b.max-message-size=1KB")
			.run((context) -> {
				assertThat(context).hasFailed();
				String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
				assertThat(message).contains("pipe-io.channels.a.in-pipe").contains("pipe-io.channels.b.in-pipe");
			});
	}

	@Test
	void aDeadLetterFileOnAnotherChannelsPipePathFailsStartupNamingBoth() {
		runner()
			.withPropertyValues("pipe-io.channels.a.dead-letter.file=" + this.directory.resolve("b.in"),
					"pipe-io.channels.b.max-message-size=1KB")
			.run((context) -> {
				assertThat(context).hasFailed();
				String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
				assertThat(message).contains("pipe-io.channels.a.dead-letter.file and pipe-io.channels.b.in-pipe"
						+ " (from pipe-io.channel-defaults.in-pipe) both resolve to " + this.directory.resolve("b.in"))
					.contains("a dead-letter file cannot be a pipe");
				assertThat(this.directory).isEmptyDirectory();
			});
	}

	@Test
	void aPipeNamedAfterTheLockFileFailsStartup() {
		runner().withPropertyValues("pipe-io.channels.a.in-pipe=.pipe-io.lock").run((context) -> {
			assertThat(context).hasFailed();
			String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
			assertThat(message)
				.contains("pipe-io.channels.a.in-pipe resolves to " + this.directory.resolve(".pipe-io.lock")
						+ ", the name of the lock file pipe-io keeps beside the pipes");
			assertThat(this.directory).isEmptyDirectory();
		});
	}

	@Test
	void aChannelWhoseInAndOutPipeAreTheSameFailsStartup() {
		runner().withPropertyValues("pipe-io.channels.loop.in-pipe=loop", "pipe-io.channels.loop.out-pipe=loop")
			.run((context) -> {
				assertThat(context).hasFailed();
				String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
				assertThat(message).contains("pipe-io.channels.loop.out-pipe")
					.contains("pipe-io.channels.loop.in-pipe");
			});
	}

	@Test
	void defaultPipesThatResolveToOnePathFailStartupNamingBothProperties() {
		runner()
			.withPropertyValues("pipe-io.channel-defaults.in-pipe={channel}.fifo",
					"pipe-io.channel-defaults.out-pipe={channel}.fifo")
			.run((context) -> {
				assertThat(context).hasFailed();
				String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
				assertThat(message).contains("pipe-io.channel-defaults.in-pipe and pipe-io.channel-defaults.out-pipe")
					.contains("{channel}.fifo");
				assertThat(this.directory).isEmptyDirectory();
			});
	}

	@Test
	void everyProblemIsReportedAtOnce() {
		runner().withPropertyValues("pipe-io.channels.a.charset=nope", "pipe-io.channels.b.send-queue-capacity=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
				assertThat(message).contains("pipe-io.channels.a.charset")
					.contains("pipe-io.channels.b.send-queue-capacity");
			});
	}

	@Test
	void worldWritablePipesNeedTheOptInAndAreLoggedAtStart(CapturedOutput output) {
		runner().withPropertyValues("pipe-io.channels.open.permissions=rw-rw-rw-",
				"pipe-io.channels.open.allow-world-writable=true", "pipe-io.channels.closed.allow-world-writable=true",
				"pipe-io.channels.readable.permissions=rw-r--r--",
				"pipe-io.channels.readable.allow-world-writable=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(PosixFilePermissions.toString(
						Files.getPosixFilePermissions(this.directory.resolve("open.in"), LinkOption.NOFOLLOW_LINKS)))
					.isEqualTo("rw-rw-rw-");
				assertThat(output).contains("WARN")
					.contains("Channel 'open': every user of this machine may use its pipes (permissions rw-rw-rw-,"
							+ " pipe-io.channels.open.allow-world-writable=true), so any local process can send it"
							+ " lines, and read (take) the lines clients send or their replies")
					.contains("(permissions rw-r--r--, pipe-io.channels.readable.allow-world-writable=true), so any"
							+ " local process can read (take) the lines clients send or their replies")
					.doesNotContain("Channel 'closed': every user");
			});
	}

	@Test
	void aChannelThatAloneMayTakeHalfTheHeapIsLoggedAtStart(CapturedOutput output) {
		// such as the default 64MB send queue in a JVM started with -Xmx64m
		long halfTheHeap = Runtime.getRuntime().maxMemory() / 2;
		runner()
			.withPropertyValues("pipe-io.channels.big.send-queue-max-bytes=" + halfTheHeap + "B",
					"pipe-io.channels.big.max-message-size=1KB", "pipe-io.channels.fine.send-queue-max-bytes=64MB")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("WARN")
					.contains("Channel 'big' may hold about " + ((halfTheHeap + 2048 + (1 << 19)) >> 20)
							+ "MB of lines (its send queue's " + DataSizes.format(halfTheHeap)
							+ ", and twice its max message size for a line being read), half or more of this JVM's"
							+ " maximum heap of about")
					.contains("MB: a client that stops reading could run the application out of memory. Lower"
							+ " pipe-io.channels.big.send-queue-max-bytes (or pipe-io.channels.big.max-message-size), or raise the maximum heap (-Xmx)")
					.doesNotContain("Channel 'fine' may hold");
			});
	}

	@Test
	void validConfigurationStarts() {
		runner()
			.withPropertyValues("pipe-io.channels.a.charset=ISO-8859-1", "pipe-io.channels.a.permissions=rw-rw----",
					"pipe-io.channels.a.max-message-size=1B", "pipe-io.channels.a.send-queue-capacity=1",
					"pipe-io.channels.a.send-timeout=0s", "pipe-io.channels.a.send-queue-max-bytes=1B",
					"pipe-io.channels.a.overflow=DROP_OLDEST")
			.run((context) -> assertThat(context).hasNotFailed());
	}

}
