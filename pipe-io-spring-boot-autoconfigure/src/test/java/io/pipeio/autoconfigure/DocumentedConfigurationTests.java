package io.pipeio.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code pipe-io} YAML example of the README and the guides in {@code docs/}, as
 * printed, is a valid configuration: its keys are properties and its values pass the
 * checks. The channels are not started, so no plug-in runs and nothing is created outside
 * the test's directory.
 */
@Timeout(60)
class DocumentedConfigurationTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL);

	@TempDir
	Path directory;

	static Stream<Arguments> examples() throws IOException {
		List<Arguments> examples = new ArrayList<>();
		for (String file : List.of("README.md", "docs/plugins.md", "docs/bridging.md")) {
			String text = Files.readString(ROOT.resolve(file));
			Matcher block = YAML_BLOCK.matcher(text);
			while (block.find()) {
				if (block.group(1).startsWith("pipe-io")) {
					int line = (int) text.substring(0, block.start()).lines().count() + 1;
					examples.add(Arguments.of(file + ":" + line, block.group(1)));
				}
			}
		}
		assertThat(examples).hasSizeGreaterThanOrEqualTo(8);
		return examples.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("examples")
	void theExampleIsAValidConfiguration(String where, String yaml) throws IOException {
		String text = yaml.replace("/run/myapp/pipes", this.directory.toString());
		List<PropertySource<?>> sources = new YamlPropertySourceLoader().load(where,
				new ByteArrayResource(text.getBytes(StandardCharsets.UTF_8), where));
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channel-defaults.auto-startup=false")
			.withInitializer((context) -> sources
				.forEach((source) -> context.getEnvironment().getPropertySources().addFirst(source)))
			.run((context) -> {
				if (context.getStartupFailure() != null) {
					// A program an example names may not be installed here (sudo): that
					// is the only failure an example may cause.
					assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
						.hasMessageContaining(".plugin.command: '")
						.hasMessageContaining("' is not an executable on the PATH");
					return;
				}
				assertThat(context.getBean(PipeChannelRegistry.class).getChannelNames()).isNotEmpty();
			});
	}

}
