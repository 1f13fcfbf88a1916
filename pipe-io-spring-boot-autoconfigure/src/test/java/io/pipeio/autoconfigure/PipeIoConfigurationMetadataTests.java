package io.pipeio.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.pipeio.server.OverflowPolicy;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata an IDE completes from: every channel key appears under
 * {@code pipe-io.channel-defaults} with its description and default, with value hints where a
 * value is one of a few.
 */
class PipeIoConfigurationMetadataTests {

	@Test
	void theDefaultsHaveTheKeysOfAChannel() {
		assertThat(keys(PipeChannelDefaults.class)).isEqualTo(channelKeysWithDefaults());
	}

	@Test
	void everyChannelKeyHasADescriptionAndADefault() throws IOException {
		Map<String, JsonNode> properties = properties(metadata());
		for (String key : channelKeysWithDefaults()) {
			JsonNode property = properties.get("pipe-io.channel-defaults." + key);
			assertThat(property).as("metadata of pipe-io.channel-defaults.%s", key).isNotNull();
			assertThat(property.path("description").asString()).as("description of %s", key).hasSizeGreaterThan(20);
			assertThat(property.has("defaultValue")).as("default of %s", key).isTrue();
		}
		assertThat(properties.get("pipe-io.channel-defaults.max-message-size").path("defaultValue").asString())
			.isEqualTo("1MB");
		assertThat(properties.get("pipe-io.channel-defaults.in-pipe").path("defaultValue").asString())
			.isEqualTo("{channel}.in");
	}

	@Test
	void valuesFromAFewHaveHints() throws IOException {
		Map<String, List<String>> hints = new LinkedHashMap<>();
		for (JsonNode hint : metadata().path("hints")) {
			hints.put(hint.path("name").asString(), hint.path("values").valueStream().map((value) -> value.path("value").asString()).toList());
		}
		assertThat(hints.get("pipe-io.channel-defaults.overflow"))
			.containsExactlyInAnyOrderElementsOf(Arrays.stream(OverflowPolicy.values()).map(OverflowPolicy::value).toList());
		assertThat(hints.get("pipe-io.channel-defaults.charset")).contains("UTF-8", "ISO-8859-1");
		assertThat(hints.get("pipe-io.channel-defaults.permissions")).contains("rw-------", "rw-rw----");
		assertThat(hints.get("pipe-io.directory-permissions")).contains("rwx------", "rwx--x---");
		assertThat(hints.get("pipe-io.channel-defaults.in-pipe")).contains("{channel}.in");
	}

	/** The keys of a channel but its plug-in: a plug-in is a channel's own, there is no default one. */
	private static Set<String> channelKeysWithDefaults() {
		Set<String> keys = keys(PipeChannelProperties.class);
		keys.remove("plugin");
		return keys;
	}

	private static Set<String> keys(Class<?> type) {
		Set<String> keys = new TreeSet<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getWriteMethod() != null) {
				keys.add(DataObjectPropertyName.toDashedForm(descriptor.getName()));
			}
		}
		return keys;
	}

	private static JsonNode metadata() throws IOException {
		try (InputStream in = PipeIoConfigurationMetadataTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated configuration metadata").isNotNull();
			return JsonMapper.builder().build().readTree(in);
		}
	}

	private static Map<String, JsonNode> properties(JsonNode metadata) {
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		metadata.path("properties").forEach((property) -> properties.put(property.path("name").asString(), property));
		return properties;
	}

}
