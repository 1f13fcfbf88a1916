package io.pipeio.autoconfigure;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.RandomValuePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The names under {@code pipe-io} are known only when every source can tell which it
 * holds; the bind handler skips the others only then.
 */
class PipeIoPropertyNamesTests {

	@Test
	void namesOfListableSourcesAndTheirParentsAreSet() {
		PipeIoPropertyNames names = PipeIoPropertyNames.read(sources(
				new MapPropertySource("app", Map.of("pipe-io.channels.echo.charset", "UTF-8", "other.key", "x")),
				new MapPropertySource("args", Map.of("pipe-io.channels.upper.plugin.command[0]", "cat"))));
		assertThat(names).isNotNull();
		assertThat(names.isSet(name("pipe-io.channels.echo.charset"))).isTrue();
		assertThat(names.isSet(name("pipe-io.channels.echo"))).isTrue();
		assertThat(names.hasDescendants(name("pipe-io.channels.echo"))).isTrue();
		assertThat(names.hasDescendants(name("pipe-io.channels.echo.charset"))).isFalse();
		assertThat(names.isSet(name("pipe-io.channels.upper.plugin.command"))).isTrue();
		assertThat(names.isSet(name("pipe-io.channels.upper.plugin.command[0]"))).isTrue();
		assertThat(names.isSet(name("pipe-io.channels.echo.max-message-size"))).isFalse();
		assertThat(names.isSet(name("pipe-io.channels.echo.retry"))).isFalse();
		assertThat(names.isSet(name("pipe-io.channels.upper.charset"))).isFalse();
	}

	@Test
	void aNameIsSetWhateverFormTheSourceWritesItIn() {
		PipeIoPropertyNames names = PipeIoPropertyNames
			.read(sources(new MapPropertySource("app", Map.of("pipe-io.channels.echo.maxMessageSize", "1KB"))));
		assertThat(names).isNotNull();
		assertThat(names.isSet(name("pipe-io.channels.echo.max-message-size"))).isTrue();
	}

	@Test
	void environmentVariablesWithoutPipeIoLeaveTheNamesKnown() {
		PipeIoPropertyNames names = PipeIoPropertyNames.read(sources(environment(Map.of("LANG", "C.UTF-8")),
				new MapPropertySource("app", Map.of("pipe-io.channels.echo.charset", "UTF-8"))));
		assertThat(names).isNotNull();
		assertThat(names.isSet(name("pipe-io.channels.echo.charset"))).isTrue();
	}

	@Test
	void environmentVariablesUnderPipeIoMakeTheNamesUnknown() {
		assertThat(PipeIoPropertyNames.read(sources(environment(Map.of("PIPE_IO_CHANNELS_ECHO_CHARSET", "UTF-8")))))
			.isNull();
		assertThat(PipeIoPropertyNames.read(sources(environment(Map.of("PIPEIO_DIRECTORY", "/tmp"))))).isNull();
	}

	@Test
	void aSourceThatCannotListItsNamesMakesTheNamesUnknown() {
		PropertySource<Object> unlisted = new PropertySource<>("unlisted", new Object()) {

			@Override
			public Object getProperty(String name) {
				return null;
			}

		};
		assertThat(PipeIoPropertyNames.read(sources(unlisted))).isNull();
	}

	@Test
	void theRandomValueSourceLeavesTheNamesKnown() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		RandomValuePropertySource.addToEnvironment(environment);
		assertThat(PipeIoPropertyNames.read(ConfigurationPropertySources.from(environment.getPropertySources())))
			.isNotNull();
	}

	private static SystemEnvironmentPropertySource environment(Map<String, Object> variables) {
		return new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
				variables);
	}

	private static Iterable<ConfigurationPropertySource> sources(PropertySource<?>... sources) {
		MutablePropertySources propertySources = new MutablePropertySources();
		List.of(sources).forEach(propertySources::addLast);
		return ConfigurationPropertySources.from(propertySources);
	}

	private static ConfigurationPropertyName name(String name) {
		return ConfigurationPropertyName.of(name);
	}

}
