package io.pipeio.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A key under {@code pipe-io} that is no property (a typo) fails startup, naming the key,
 * where it was set and the valid keys, instead of leaving a setting at its default
 * unnoticed.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class PipeIoUnknownKeysTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					pipe-io.channels.echo.max-mesage-size=5 | pipe-io.channels.echo.max-mesage-size | pipe-io.channels.<name>.max-message-size? | send-queue-max-bytes
					pipe-io.channels.echo.maxMesageSize=5   | pipe-io.channels.echo.maxmesagesize   | pipe-io.channels.<name>.max-message-size? | overflow
					pipe-io.directroy=/tmp                  | pipe-io.directroy                     | pipe-io.directory?                        | channels.<name>.*
					pipe-io.observation.enable=true         | pipe-io.observation.enable            | pipe-io.observation.enabled?              | enabled
					pipe-io.channels.echo.dispach=loop      | pipe-io.channels.echo.dispach         | pipe-io.channels.<name>.dispatch?         | overflow
					pipe-io.channels.echo.colour=red        | pipe-io.channels.echo.colour          | The keys of pipe-io.channels.<name> are   | auto-startup
					pipe-io.enabled.really=true             | pipe-io.enabled.really                | The keys of pipe-io are                   | directory-permissions
					pipe-io.channel-defaults.charst=UTF-8   | pipe-io.channel-defaults.charst       | pipe-io.channel-defaults.charset?         | allow-world-writable
					pipe-io.channel-default.charset=UTF-8   | pipe-io.channel-default.charset       | pipe-io.channel-defaults?                 | channel-defaults.*
					pipe-io.channels.echo.plugin.comand=x   | pipe-io.channels.echo.plugin.comand   | pipe-io.channels.<name>.plugin.command?   | environment.<name>,
					pipe-io.channel-defaults.reply-timeout=1s | pipe-io.channel-defaults.reply-timeout | pipe-io.template.reply-timeout?  | send-timeout
					""")
	void anUnknownKeyFailsStartupNamingItAndTheValidKeys(String property, String named, String hint, String valid) {
		runner().withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			Throwable cause = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
			assertThat(cause).isInstanceOf(UnknownPipeIoPropertyException.class);
			assertThat(cause.getMessage()).contains(named + " (from ")
				.contains("is not a pipe-io property")
				.contains(hint)
				.contains(valid);
			assertThat(this.directory).isEmptyDirectory();
		});
	}

	@Test
	void everyUnknownKeyIsReportedAtOnce() {
		runner()
			.withPropertyValues("pipe-io.directroy=/tmp", "pipe-io.channels.a.charset=UTF-8",
					"pipe-io.channels.a.permission=rw-------", "pipe-io.channels.b.auto-start=false")
			.run((context) -> {
				assertThat(context).hasFailed();
				UnknownPipeIoPropertyException ex = (UnknownPipeIoPropertyException) NestedExceptionUtils
					.getMostSpecificCause(context.getStartupFailure());
				assertThat(ex.getProblems()).hasSize(3)
					.anySatisfy((problem) -> assertThat(problem).startsWith("pipe-io.directroy "))
					.anySatisfy((problem) -> assertThat(problem).startsWith("pipe-io.channels.a.permission ")
						.contains("did you mean pipe-io.channels.<name>.permissions?"))
					.anySatisfy((problem) -> assertThat(problem).startsWith("pipe-io.channels.b.auto-start ")
						.contains("did you mean pipe-io.channels.<name>.auto-startup?"));
			});
	}

	@Test
	void aValueWhereKeysBelongFailsStartup() {
		runner().withPropertyValues("pipe-io.channels.echo=yes").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
				.contains("pipe-io.channels.echo is a group of keys, not a value (got 'yes'")
				.contains("max-message-size");
		});
	}

	@Test
	void everyKnownKeyInAnyRelaxedFormStarts() {
		runner().withPropertyValues("pipe-io.enabled=true", "pipe-io.directory-permissions=rwx------",
				"pipe-io.observation.enabled=false", "pipe-io.channels.a.in-pipe=a-in",
				"pipe-io.channels.a.out-pipe=a-out", "pipe-io.channels.a.permissions=rw-------",
				"pipe-io.channels.a.manage-pipes=true", "pipe-io.channels.a.charset=UTF-8",
				"pipe-io.channels.a.max-message-size=1KB", "pipe-io.channels.a.send-queue-capacity=5",
				"pipe-io.channels.a.send-queue-max-bytes=1MB", "pipe-io.channels.a.overflow=fail",
				"pipe-io.channels.a.send-timeout=1s", "pipe-io.channels.a.dispatch=worker",
				"pipe-io.channels.a.auto-startup=false", "pipe-io.channels.b.maxMessageSize=2KB",
				"pipe-io.channels.b.send_queue_capacity=7", "pipe-io.channels.c=", "pipe-io.channels[d].charset=UTF-8")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				assertThat(registry.getChannelNames()).containsExactlyInAnyOrder("a", "b", "c", "d");
				assertThat(registry.getRequiredChannel("b").getSettings().server().getMaxMessageSize()).isEqualTo(2048);
			});
	}

	/**
	 * The environment is not all this application's: a variable of another tool that
	 * happens to start with PIPEIO_ must not fail startup.
	 */
	@Test
	void environmentVariablesAreNotTakenForUnknownKeys() {
		runner().withPropertyValues("pipe-io.channels.echo.charset=UTF-8")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								Map.of("PIPEIO_CHANNELS_ECHO_MAXMESSAGESIZE", "2KB",
										"PIPE_IO_CHANNELS_ECHO_SEND_TIMEOUT", "3s", "PIPEIO_HOME", "/opt/pipeio"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(PipeChannelRegistry.class).getRequiredChannel("echo").getSettings().server())
					.satisfies((settings) -> assertThat(settings.getMaxMessageSize()).isEqualTo(2048))
					.satisfies((settings) -> assertThat(settings.getSendTimeout()).hasSeconds(3));
			});
	}

	@Test
	void failureAnalysisOfATypoInApplicationYmlNamesTheKeyItsLineAndTheValidKeys(@TempDir Path config,
			CapturedOutput output) throws IOException {
		Files.writeString(config.resolve("application.yml"), """
				pipe-io:
				  directroy: /tmp
				  channels:
				    echo:
				      max-mesage-size: 5
				""");
		SpringApplication application = new SpringApplication(Config.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--spring.config.location=" + config.toUri(),
				"--pipe-io.directory=" + this.directory));
		assertThat(output).contains("Unknown pipe-io configuration keys:")
			.containsPattern("pipe-io.directroy \\(from .*application.yml.* - 2:14\\) is not a pipe-io property;"
					+ " did you mean pipe-io.directory\\?")
			.containsPattern("pipe-io.channels.echo.max-mesage-size \\(from .*application.yml.* - 5:24\\)")
			.contains("Correct or remove each key above")
			.doesNotContain("Update your application's configuration");
		assertThat(this.directory).isEmptyDirectory();
	}

	@SpringBootConfiguration
	@ImportAutoConfiguration(PipeIoAutoConfiguration.class)
	static class Config {

	}

}
