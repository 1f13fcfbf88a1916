package io.pipeio.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Channels and their keys set through environment variables, as the README describes
 * them: Spring Boot's rules for maps decide which form declares a channel.
 */
class PipeIoEnvironmentVariablesTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner(Map<String, Object> variables) {
		return PipeIoContextRunners.withDirectory(this.directory)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								variables)));
	}

	@Test
	void theFormWithoutTheDashDeclaresAChannelAndTheOtherSetsKeysOfDeclaredOnes() {
		runner(Map.of("PIPEIO_CHANNELS_NEWONE_CHARSET", "ISO-8859-1", "PIPE_IO_CHANNELS_MY_CHANNEL_CHARSET",
				"ISO-8859-1", "PIPE_IO_CHANNELS_OTHER_CHARSET", "ISO-8859-1"))
			.withPropertyValues("pipe-io.channels.my-channel.max-message-size=1KB")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				assertThat(registry.getChannels()).extracting(PipeChannel::getName)
					.containsExactlyInAnyOrder("newone", "my-channel");
				assertThat(registry.getRequiredChannel("newone").getCharset()).isEqualTo(StandardCharsets.ISO_8859_1);
				assertThat(registry.getRequiredChannel("my-channel").getCharset())
					.isEqualTo(StandardCharsets.ISO_8859_1);
			});
	}

	@Test
	void theFormWithoutTheDashBesideADashedChannelFailsStartupNamingTheFormThatSetsItsKeys() {
		runner(Map.of("PIPEIO_CHANNELS_MYCHANNEL_CHARSET", "ISO-8859-1"))
			.withPropertyValues("pipe-io.channels.my-channel.max-message-size=1KB")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
					.contains("'my-channel', 'mychannel' differ only in case")
					.contains("If 'mychannel' comes from an environment variable PIPEIO_CHANNELS_MYCHANNEL_<KEY>"
							+ " meant to set a key of 'my-channel', name it PIPE_IO_CHANNELS_MY_CHANNEL_<KEY> instead");
			});
	}

	@Test
	void aPluginEnvironmentEntrySetThroughTheEnvironmentArrivesInLowerCase() {
		runner(Map.of("PIPEIO_CHANNELS_THUMBS_PLUGIN_COMMAND", "cat", "PIPEIO_CHANNELS_THUMBS_PLUGIN_ENVIRONMENT_MODEL",
				"small"))
			.withPropertyValues("pipe-io.channels.thumbs.auto-startup=false")
			.run((context) -> assertThat(context.getBean(PipeChannelRegistry.class)
				.getRequiredChannel("thumbs")
				.getSettings()
				.plugin()
				.environment()).containsExactly(Map.entry("model", "small")));
	}

}
