package io.pipeio.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.server.PipeServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Command-line arguments, environment variables and profile-specific files override every
 * channel of an {@code application.yml}, whatever form declares it: {@code name: {}},
 * {@code name: ~}, {@code name:} or nested keys. Since Spring Boot 4.1 the first three
 * are a property with an empty value, which the binder used to prefer to any override.
 */
@Timeout(60)
class PipeIoChannelOverridesTests {

	/** One channel per form of YAML declaration. */
	private static final String APPLICATION_YML = """
			pipe-io:
			  channels:
			    braces: {}
			    tilde: ~
			    blank:
			    nested:
			      charset: UTF-8
			""";

	private static final List<String> CHANNELS = List.of("braces", "tilde", "blank", "nested");

	@TempDir
	Path directory;

	@TempDir
	Path config;

	@ParameterizedTest
	@EnumSource
	void everySourceOverridesEveryFormOfChannel(Source source) throws IOException {
		Map<String, String> overrides = new LinkedHashMap<>();
		for (String channel : CHANNELS) {
			overrides.put("pipe-io.channels." + channel + ".permissions", "rw-rw----");
			overrides.put("pipe-io.channels." + channel + ".in-pipe", channel + "-custom.in");
			overrides.put("pipe-io.channels." + channel + ".max-message-size", "123B");
		}
		try (ConfigurableApplicationContext context = run(source, overrides)) {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			assertThat(registry.getChannelNames()).containsExactlyInAnyOrderElementsOf(CHANNELS);
			for (String channel : CHANNELS) {
				Path in = this.directory.resolve(channel + "-custom.in");
				assertThat(mode(in)).as("mode of %s", in).isEqualTo("rw-rw----");
				assertThat(mode(this.directory.resolve(channel + ".out"))).isEqualTo("rw-rw----");
				assertThat(this.directory.resolve(channel + ".in")).doesNotExist();
				assertThat(registry.getRequiredChannel(channel).getSettings().server().getMaxMessageSize())
					.as("max-message-size of %s", channel)
					.isEqualTo(123);
			}
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "braces", "tilde", "blank", "nested" })
	void anInvalidOverrideOfAnyFormOfChannelFailsStartup(String channel) {
		assertThatException()
			.isThrownBy(
					() -> run(Source.COMMAND_LINE, Map.of("pipe-io.channels." + channel + ".max-message-size", "-1")))
			.satisfies((ex) -> assertThat(NestedExceptionUtils.getMostSpecificCause(ex).getMessage())
				.contains("pipe-io.channels." + channel + ".max-message-size"));
		assertThat(this.directory).isEmptyDirectory();
	}

	@Test
	void anEnvironmentVariableOfOneChannelLeavesAChannelWhoseNameBeginsItsOwn() throws IOException {
		String yaml = """
				pipe-io:
				  channels:
				    echo: {}
				    echo-out: {}
				""";
		// PIPE_IO_CHANNELS_ECHO_OUT_PERMISSIONS could be echo's out.permissions, which is
		// no key of a channel: echo is declared with its defaults all the same.
		try (ConfigurableApplicationContext context = run(yaml, Source.ENVIRONMENT_VARIABLE,
				Map.of("pipe-io.channels.echo-out.permissions", "rw-rw----"))) {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			assertThat(registry.getChannelNames()).containsExactlyInAnyOrder("echo", "echo-out");
			assertThat(mode(this.directory.resolve("echo.in"))).isEqualTo("rw-------");
			assertThat(mode(this.directory.resolve("echo-out.in"))).isEqualTo("rw-rw----");
		}
	}

	@ParameterizedTest
	@EnumSource
	void aChannelWhoseKeysAllHaveEmptyValuesIsDeclaredWithItsDefaults(Source source) throws IOException {
		// As a template leaves them when its variables are not set. The binder alone adds
		// no channel for them: an empty duration or number binds nothing.
		String yaml = """
				pipe-io:
				  channels:
				    templated:
				      send-timeout:
				      max-message-size: ""
				    given:
				      charset: UTF-8
				""";
		// Of the environment variables, only the form without dashes declares a channel.
		String key = (source != Source.ENVIRONMENT_VARIABLE) ? "pipe-io.channels.overridden.send-queue-capacity"
				: "pipeio.channels.overridden.sendqueuecapacity";
		try (ConfigurableApplicationContext context = run(yaml, source, Map.of(key, ""))) {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			assertThat(registry.getChannelNames()).containsExactlyInAnyOrder("templated", "overridden", "given");
			for (String channel : List.of("templated", "overridden")) {
				PipeServerSettings settings = registry.getRequiredChannel(channel).getSettings().server();
				assertThat(settings.getSendTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(settings.getMaxMessageSize()).isEqualTo(1024 * 1024);
				assertThat(settings.getSendQueueCapacity()).isEqualTo(10_000);
				assertThat(mode(this.directory.resolve(channel + ".in"))).isEqualTo("rw-------");
			}
		}
	}

	@Test
	void channelsWithoutOverridesKeepTheirDefaults() throws IOException {
		try (ConfigurableApplicationContext context = run(Source.COMMAND_LINE, Map.of())) {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			assertThat(registry.getChannelNames()).containsExactlyInAnyOrderElementsOf(CHANNELS);
			for (String channel : CHANNELS) {
				assertThat(mode(this.directory.resolve(channel + ".in"))).isEqualTo("rw-------");
				assertThat(registry.getRequiredChannel(channel).getSettings().server().getMaxMessageSize())
					.isEqualTo(1024 * 1024);
			}
		}
	}

	private ConfigurableApplicationContext run(Source source, Map<String, String> overrides) throws IOException {
		return run(APPLICATION_YML, source, overrides);
	}

	private ConfigurableApplicationContext run(String yaml, Source source, Map<String, String> overrides)
			throws IOException {
		Files.writeString(this.config.resolve("application.yml"), yaml);
		List<String> args = new ArrayList<>(
				List.of("--spring.config.location=" + this.config.toUri(), "--pipe-io.directory=" + this.directory));
		Map<String, Object> environment = new LinkedHashMap<>();
		switch (source) {
			case COMMAND_LINE -> overrides.forEach((name, value) -> args.add("--" + name + "=" + value));
			case ENVIRONMENT_VARIABLE -> overrides.forEach((name, value) -> environment
				.put(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), value));
			case PROFILE_FILE -> {
				Files.writeString(this.config.resolve("application-ops.yml"), nestedYaml(overrides));
				args.add("--spring.profiles.active=ops");
			}
		}
		SpringApplication application = new SpringApplication(Config.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setEnvironment(new StandardEnvironment() {

			@Override
			public Map<String, Object> getSystemEnvironment() {
				return environment;
			}

		});
		return application.run(args.toArray(String[]::new));
	}

	/**
	 * Return overrides of channel keys as YAML in the nested form, as an operator writes
	 * a profile-specific file.
	 */
	private static String nestedYaml(Map<String, String> overrides) {
		Map<String, StringBuilder> channels = new LinkedHashMap<>();
		overrides.forEach((name, value) -> {
			String[] channelAndKey = name.substring("pipe-io.channels.".length()).split("\\.", 2);
			channels.computeIfAbsent(channelAndKey[0], (channel) -> new StringBuilder())
				.append("      ")
				.append(channelAndKey[1])
				.append(": ")
				.append(value)
				.append('\n');
		});
		StringBuilder yaml = new StringBuilder("pipe-io:\n  channels:\n");
		channels.forEach((channel, keys) -> yaml.append("    ").append(channel).append(":\n").append(keys));
		return yaml.toString();
	}

	private static String mode(Path path) throws IOException {
		return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
	}

	enum Source {

		/** {@code --pipe-io.channels.braces.permissions=...} */
		COMMAND_LINE,

		/** {@code PIPE_IO_CHANNELS_BRACES_PERMISSIONS=...} */
		ENVIRONMENT_VARIABLE,

		/** {@code application-ops.yml} with {@code spring.profiles.active=ops} */
		PROFILE_FILE

	}

	@SpringBootConfiguration
	@ImportAutoConfiguration(PipeIoAutoConfiguration.class)
	static class Config {

	}

}
