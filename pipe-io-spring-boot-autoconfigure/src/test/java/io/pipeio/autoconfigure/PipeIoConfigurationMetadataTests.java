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

import io.pipeio.server.DispatchMode;
import io.pipeio.server.OverflowPolicy;
import io.pipeio.server.PipeEngine;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata an IDE completes from: every channel key appears under
 * {@code pipe-io.channel-defaults} with its description and default, with value hints
 * where a value is one of a few.
 */
class PipeIoConfigurationMetadataTests {

	@Test
	void theDefaultsHaveTheKeysOfAChannel() {
		Set<String> channelKeys = keys(PipeChannelProperties.class);
		channelKeys.remove("plugin");
		// its default for every channel is pipe-io.template.reply-timeout
		channelKeys.remove("reply-timeout");
		assertThat(keys(PipeChannelDefaults.class)).isEqualTo(channelKeys)
			.contains("retry.max-attempts", "dead-letter.file");
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
			hints.put(hint.path("name").asString(),
					hint.path("values").valueStream().map((value) -> value.path("value").asString()).toList());
		}
		assertThat(hints.get("pipe-io.channel-defaults.overflow")).containsExactlyInAnyOrderElementsOf(
				Arrays.stream(OverflowPolicy.values()).map(OverflowPolicy::value).toList());
		assertThat(hints.get("pipe-io.channel-defaults.dispatch")).containsExactlyInAnyOrderElementsOf(
				Arrays.stream(DispatchMode.values()).map(DispatchMode::value).toList());
		assertThat(hints.get("pipe-io.engine"))
			.containsExactlyInAnyOrderElementsOf(Arrays.stream(PipeEngine.values()).map(PipeEngine::value).toList());
		assertThat(hints.get("pipe-io.channel-defaults.charset")).contains("UTF-8", "ISO-8859-1");
		assertThat(hints.get("pipe-io.channel-defaults.permissions")).contains("rw-------", "rw-rw----");
		assertThat(hints.get("pipe-io.directory-permissions")).contains("rwx------", "rwx--x---");
		assertThat(hints.get("pipe-io.channel-defaults.in-pipe")).contains("{channel}.in");
	}

	@Test
	void theEngineIsDescribedWithItsDefault() throws IOException {
		JsonNode engine = properties(metadata()).get("pipe-io.engine");
		assertThat(engine.path("description").asString()).contains("event-loop").contains("threads");
		assertThat(engine.path("defaultValue").asString()).isEqualTo(PipeEngine.AUTO.value());
	}

	@Test
	void theNumberOfEventLoopsIsDescribedWithItsDefault() throws IOException {
		JsonNode threads = properties(metadata()).get("pipe-io.event-loop.threads");
		assertThat(threads.path("description").asString()).contains("event loop threads").contains("processor");
		assertThat(threads.path("type").asString()).isEqualTo("java.lang.Integer");
		assertThat(threads.path("defaultValue").asInt()).isEqualTo(1);
	}

	@Test
	void theDispatchModeIsDescribedWithItsDefaultAndTheEngineItMattersOn() throws IOException {
		JsonNode dispatch = properties(metadata()).get("pipe-io.channel-defaults.dispatch");
		assertThat(dispatch.path("description").asString()).contains("event loop engine")
			.contains("threads engine it is accepted and has no effect");
		assertThat(dispatch.path("defaultValue").asString()).isEqualTo(DispatchMode.AUTO.value());
	}

	@Test
	void theDeadLetterFileIsDescribedWithoutADefault() throws IOException {
		JsonNode file = properties(metadata()).get("pipe-io.channel-defaults.dead-letter.file");
		assertThat(file.path("description").asString()).contains("JSON");
		assertThat(file.has("defaultValue")).isFalse();
	}

	/**
	 * The keys of a channel but its plug-in (a plug-in is a channel's own, there is no
	 * default one) and the dead-letter file (none unless set).
	 */
	private static Set<String> channelKeysWithDefaults() {
		Set<String> keys = keys(PipeChannelProperties.class);
		keys.remove("plugin");
		keys.remove("reply-timeout");
		keys.remove("dead-letter.file");
		return keys;
	}

	/**
	 * The keys of a properties class, those of its nested groups (read-only properties)
	 * included.
	 */
	private static Set<String> keys(Class<?> type) {
		Set<String> keys = new TreeSet<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			String name = DataObjectPropertyName.toDashedForm(descriptor.getName());
			if (descriptor.getWriteMethod() != null) {
				keys.add(name);
			}
			else if (descriptor.getReadMethod() != null && PipeIoProperties.isGroup(descriptor.getPropertyType())) {
				keys(descriptor.getPropertyType()).forEach((nested) -> keys.add(name + "." + nested));
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
