package io.pipeio.plugin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link PluginSettings.Builder}: a program that adds plug-ins at runtime changes the
 * settings it needs and keeps the defaults of the others.
 */
class PluginSettingsBuilderTests {

	private static final List<String> COMMAND = List.of("python3", "plugins/p42.py");

	@Test
	void aBuilderStartsFromTheDefaults() {
		assertThat(PluginSettings.builder(COMMAND).build()).isEqualTo(PluginSettings.of(COMMAND));
	}

	@Test
	void eachSettingChangesItselfAlone() {
		PluginSettings defaults = PluginSettings.of(COMMAND);
		assertThat(PluginSettings.builder(COMMAND).restart(RestartPolicy.ALWAYS).build())
			.isEqualTo(new PluginSettings(COMMAND, null, Map.of(), true, RestartPolicy.ALWAYS,
					defaults.backoffInitial(), defaults.backoffMax(), defaults.backoffMultiplier(),
					defaults.maxRestarts(), defaults.restartWindow(), defaults.stopTimeout(), null));
		PluginSettings all = PluginSettings.builder(COMMAND)
			.workingDirectory(Path.of("/srv/plugins"))
			.environment(Map.of("LEVEL", "debug"))
			.stdio(false)
			.restart(RestartPolicy.NEVER)
			.backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), 3.0)
			.maxRestarts(4, Duration.ofMinutes(1))
			.stopTimeout(Duration.ofSeconds(2))
			.restartWhenUnanswered(Duration.ofSeconds(20))
			.build();
		assertThat(all).isEqualTo(new PluginSettings(COMMAND, Path.of("/srv/plugins"), Map.of("LEVEL", "debug"), false,
				RestartPolicy.NEVER, Duration.ofSeconds(1), Duration.ofSeconds(8), 3.0, 4, Duration.ofMinutes(1),
				Duration.ofSeconds(2), Duration.ofSeconds(20)));
		assertThat(all.toBuilder().build()).isEqualTo(all);
		assertThat(all.toBuilder().restartWhenUnanswered(null).build().restartWhenUnanswered()).isNull();
	}

	@Test
	void builtSettingsAreCheckedAsConfiguredOnesAre() {
		PluginSettings settings = PluginSettings.builder(List.of("true"))
			.backoff(Duration.ofSeconds(5), Duration.ofSeconds(1), 0.5)
			.build();
		assertThatIllegalArgumentException().isThrownBy(() -> settings.validate("plugin"))
			.withMessageContaining("plugin.backoff.max (1s) must not be less than plugin.backoff.initial (5s)")
			.withMessageContaining("plugin.backoff.multiplier must be at least 1, not 0.5");
	}

}
