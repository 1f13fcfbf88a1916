package io.pipeio.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import io.pipeio.annotation.PipeListener;
import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.server.DispatchMode;
import io.pipeio.server.OverflowPolicy;
import io.pipeio.server.PipeServerSettings;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pipe-io.channel-defaults.*} gives every channel setting once for all channels,
 * those configured and those only a listener declares; a channel's own value wins, and a
 * bad default is named as such.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class PipeChannelDefaultsTests {

	/** Every channel key, each with a value other than the built-in default. */
	private static final String[] DEFAULTS = { "pipe-io.channel-defaults.in-pipe=requests/{channel}",
			"pipe-io.channel-defaults.out-pipe=replies/{channel}", "pipe-io.channel-defaults.permissions=rw-rw----",
			"pipe-io.channel-defaults.manage-pipes=true", "pipe-io.channel-defaults.charset=ISO-8859-1",
			"pipe-io.channel-defaults.max-message-size=2KB", "pipe-io.channel-defaults.send-queue-capacity=7",
			"pipe-io.channel-defaults.send-queue-max-bytes=3MB", "pipe-io.channel-defaults.overflow=drop-oldest",
			"pipe-io.channel-defaults.send-timeout=2s", "pipe-io.channel-defaults.dispatch=worker",
			"pipe-io.channel-defaults.auto-startup=true" };

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory).withUserConfiguration(Listener.class);
	}

	@Test
	void everyDefaultAppliesToConfiguredAndDeclaredChannels() {
		runner().withPropertyValues(DEFAULTS).withPropertyValues("pipe-io.channels.configured=").run((context) -> {
			assertThat(context).hasNotFailed();
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			for (String name : new String[] { "configured", "declared" }) {
				PipeChannel channel = registry.getRequiredChannel(name);
				PipeServerSettings settings = channel.getSettings().server();
				assertThat(settings.getInPath()).isEqualTo(this.directory.resolve("requests/" + name));
				assertThat(settings.getOutPath()).isEqualTo(this.directory.resolve("replies/" + name));
				assertThat(mode(settings.getInPath())).as("mode of %s", name).isEqualTo("rw-rw----");
				assertThat(channel.getCharset()).isEqualTo(StandardCharsets.ISO_8859_1);
				assertThat(settings.getMaxMessageSize()).isEqualTo(2048);
				assertThat(settings.getSendQueueCapacity()).isEqualTo(7);
				assertThat(settings.getSendQueueMaxBytes()).isEqualTo(3 * 1024 * 1024);
				assertThat(settings.getOverflow()).isEqualTo(OverflowPolicy.DROP_OLDEST);
				assertThat(settings.getSendTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(settings.getDispatch()).isEqualTo(DispatchMode.WORKER);
				assertThat(channel.isRunning()).isTrue();
			}
		});
	}

	@Test
	void aChannelsOwnValueWins() {
		runner().withPropertyValues(DEFAULTS)
			.withPropertyValues("pipe-io.channels.configured.in-pipe=mine.in",
					"pipe-io.channels.configured.charset=UTF-8", "pipe-io.channels.configured.max-message-size=5B",
					"pipe-io.channels.configured.overflow=fail", "pipe-io.channels.configured.permissions=rw-------",
					"pipe-io.channels.configured.dispatch=loop", "pipe-io.channels.configured.auto-startup=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("configured");
				PipeServerSettings settings = channel.getSettings().server();
				assertThat(settings.getInPath()).isEqualTo(this.directory.resolve("mine.in"));
				assertThat(settings.getOutPath()).isEqualTo(this.directory.resolve("replies/configured"));
				assertThat(channel.getCharset()).isEqualTo(StandardCharsets.UTF_8);
				assertThat(settings.getMaxMessageSize()).isEqualTo(5);
				assertThat(settings.getOverflow()).isEqualTo(OverflowPolicy.FAIL);
				assertThat(settings.getDispatch()).isEqualTo(DispatchMode.LOOP);
				assertThat(settings.getPermissions()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
				assertThat(settings.getSendQueueCapacity()).isEqualTo(7);
				assertThat(channel.getSettings().autoStartup()).isFalse();
				assertThat(channel.isRunning()).isFalse();
			});
	}

	@Test
	void aBadDefaultIsNamedAsSuchOnce() {
		runner()
			.withPropertyValues("pipe-io.channel-defaults.charset=UTF-9", "pipe-io.channels.a=", "pipe-io.channels.b=",
					"pipe-io.channels.c.charset=UTF-8", "pipe-io.channels.d.send-queue-capacity=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
				assertThat(message.split("pipe-io.channel-defaults.charset 'UTF-9'", -1)).hasSize(2);
				assertThat(message).contains("pipe-io.channels.d.send-queue-capacity must be at least 1")
					.doesNotContain("pipe-io.channels.a.charset")
					.doesNotContain("pipe-io.channels.c.charset");
				assertThat(this.directory).isEmptyDirectory();
			});
	}

	@Test
	void worldWritableDefaultsNeedTheOptInOfTheDefaults(CapturedOutput output) {
		runner().withPropertyValues("pipe-io.channel-defaults.permissions=rw-rw-rw-").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
				.contains("pipe-io.channel-defaults.permissions 'rw-rw-rw-'")
				.contains("pipe-io.channel-defaults.allow-world-writable=true");
		});
		runner()
			.withPropertyValues("pipe-io.channel-defaults.permissions=rw-rw-rw-",
					"pipe-io.channel-defaults.allow-world-writable=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(mode(this.directory.resolve("declared.in"))).isEqualTo("rw-rw-rw-");
				assertThat(output).contains("Channel 'declared': every user of this machine may use its pipes"
						+ " (permissions rw-rw-rw-, pipe-io.channel-defaults.allow-world-writable=true)");
			});
	}

	@Test
	void aChannelThatTurnsOffTheDefaultsOptInIsNamedWithItsOwnKey() {
		runner()
			.withPropertyValues("pipe-io.channel-defaults.permissions=rw-rw-rw-",
					"pipe-io.channel-defaults.allow-world-writable=true",
					"pipe-io.channels.declared.allow-world-writable=false")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
					.contains("pipe-io.channel-defaults.permissions 'rw-rw-rw-' (channel 'declared')")
					.contains("or set pipe-io.channels.declared.allow-world-writable=true")
					.doesNotContain("set pipe-io.channel-defaults.allow-world-writable=true");
			});
	}

	@Test
	void aFixedDefaultPathSharedByTwoChannelsIsNamedWithItsOrigin() {
		runner()
			.withPropertyValues("pipe-io.channel-defaults.in-pipe=shared.in", "pipe-io.channels.a=",
					"pipe-io.channels.b=")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
					.contains("pipe-io.channels.a.in-pipe (from pipe-io.channel-defaults.in-pipe)")
					.contains("pipe-io.channels.b.in-pipe (from pipe-io.channel-defaults.in-pipe)")
					.contains("both resolve to " + this.directory.resolve("shared.in"));
			});
	}

	/**
	 * A NUL ends a name for the kernel, so a pipe path with one is refused; the message
	 * shows where it is rather than carry it into the log.
	 */
	@Test
	void aPipePathWithANulFailsStartupShowingWhereItIs() {
		runner().withPropertyValues("pipe-io.channels.a.in-pipe=a\u0000b.in").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
				.contains("pipe-io.channels.a.in-pipe 'a\\u0000b.in' is not a valid path")
				.contains("remove that character from the path")
				.doesNotContain("\u0000");
		});
	}

	private static String mode(Path path) throws IOException {
		return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		@PipeListener("declared")
		String echo(String line) {
			return line;
		}

	}

}
