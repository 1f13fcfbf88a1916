package io.pipeio.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Finds the keys under {@code pipe-io} that no property of {@link PipeIoProperties}
 * takes, such as {@code pipe-io.directroy} or
 * {@code pipe-io.channels.echo.max-mesage-size}, which the binder would otherwise ignore.
 * The valid keys are read from the properties classes, so a new property is known as soon
 * as it exists.
 * <p>
 * Environment variables are not checked: {@code PIPE_IO_CHANNELS_MY_CHANNEL_CHARSET}
 * cannot be split into a channel name and a key with certainty, and most of the
 * environment is not meant for this application.
 *
 * @author pipe-io
 */
final class PipeIoPropertyKeys {

	/**
	 * Keys that one would look for in one place and that are in another: a channel's own
	 * reply timeout has its default in the template's settings, not in the channel
	 * defaults, as the template's applies to channels registered at runtime as well.
	 */
	private static final Map<String, String> ELSEWHERE = Map.of("pipe-io.channel-defaults.reply-timeout",
			"pipe-io.template.reply-timeout");

	private PipeIoPropertyKeys() {
	}

	/**
	 * Return a problem for each key under {@code pipe-io} that is not a property, naming
	 * the key, where it was set and the valid keys next to it.
	 * @param sources the sources of the binding
	 * @return the problems, empty if none
	 */
	static List<String> findUnknown(Iterable<ConfigurationPropertySource> sources) {
		Map<ConfigurationPropertyName, String> problems = new LinkedHashMap<>();
		// The keys of each properties class, read once: every key of every channel is
		// checked against them.
		Map<Class<?>, Map<String, Key>> keysByType = new HashMap<>();
		for (ConfigurationPropertySource source : sources) {
			if (source instanceof IterableConfigurationPropertySource iterable
					&& !(source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource)) {
				for (ConfigurationPropertyName name : iterable.filter(PipeIoBindHandler.ROOT::isAncestorOf)) {
					if (!problems.containsKey(name)) {
						String problem = check(name, source.getConfigurationProperty(name), keysByType);
						if (problem != null) {
							problems.put(name, problem);
						}
					}
				}
			}
		}
		return new ArrayList<>(problems.values());
	}

	private static @Nullable String check(ConfigurationPropertyName name, @Nullable ConfigurationProperty property,
			Map<Class<?>, Map<String, Key>> keysByType) {
		Class<?> type = PipeIoProperties.class;
		StringBuilder path = new StringBuilder("pipe-io");
		for (int i = 1; i < name.getNumberOfElements(); i++) {
			Map<String, Key> keys = keysByType.computeIfAbsent(type, PipeIoPropertyKeys::keysOf);
			Key key = keys.get(uniform(name.getElement(i, Form.UNIFORM)));
			boolean last = i == name.getNumberOfElements() - 1;
			if (key == null || (key.type() == null && !last && !indexedFrom(name, i + 1))) {
				return unknown(name, i, property, path.toString(), keys);
			}
			path.append('.').append(key.name());
			if (key.type() == null) {
				return null; // a value, or the elements of a list of values
			}
			if (key.map()) {
				if (!last) {
					i++;
					path.append(".<name>");
				}
				if (!PipeIoProperties.isGroup(key.type())) {
					// a map of values, such as a plug-in's environment: any name goes
					return null;
				}
			}
			type = key.type();
		}
		Object value = (property != null) ? property.getValue() : null;
		if (value != null && !value.toString().isEmpty()) {
			return name + " is a group of keys, not a value (got '" + value + "'" + origin(property)
					+ "); use keys below it: " + list(keysByType.computeIfAbsent(type, PipeIoPropertyKeys::keysOf));
		}
		return null;
	}

	/**
	 * @return whether every element from an index on is a list index, as in
	 * {@code command[0]}
	 */
	private static boolean indexedFrom(ConfigurationPropertyName name, int from) {
		for (int i = from; i < name.getNumberOfElements(); i++) {
			if (!name.isNumericIndex(i)) {
				return false;
			}
		}
		return from < name.getNumberOfElements();
	}

	private static String unknown(ConfigurationPropertyName name, int index, @Nullable ConfigurationProperty property,
			String path, Map<String, Key> keys) {
		String typed = name.getElement(index, Form.DASHED);
		String elsewhere = ELSEWHERE.get(path + "." + typed);
		String suggestion = closest(typed, keys);
		String meant = (elsewhere != null) ? elsewhere : (suggestion != null) ? path + "." + suggestion : null;
		return name + origin(property) + " is not a pipe-io property"
				+ ((meant != null) ? "; did you mean " + meant + "?" : ".") + " The keys of " + path + " are "
				+ list(keys);
	}

	private static String origin(@Nullable ConfigurationProperty property) {
		return (property != null && property.getOrigin() != null) ? " (from " + property.getOrigin() + ")" : "";
	}

	private static String list(Map<String, Key> keys) {
		return String.join(", ", keys.values().stream().map(Key::display).sorted().toList());
	}

	private static @Nullable String closest(String typed, Map<String, Key> keys) {
		String best = null;
		int bestDistance = Math.max(2, typed.length() / 4) + 1;
		for (Key key : keys.values()) {
			int distance = distance(uniform(typed), uniform(key.name()));
			if (distance < bestDistance) {
				best = key.name();
				bestDistance = distance;
			}
		}
		return best;
	}

	/** Levenshtein distance, small strings only. */
	private static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	private static String uniform(String key) {
		return key.replace("-", "").toLowerCase(Locale.ROOT);
	}

	/**
	 * Whether a source holds a value of some key below a settings object, asking for each
	 * key rather than for descendants: an environment variable such as
	 * {@code PIPE_IO_CHANNELS_ECHO_OUT_PERMISSIONS} is a descendant of channel
	 * {@code echo} as far as its name goes ({@code echo.out.permissions}), though it sets
	 * nothing of it.
	 * @param source the source
	 * @param name the object's name
	 * @param type its properties class
	 * @return whether a key below it has a value
	 */
	static boolean hasValueBelow(ConfigurationPropertySource source, ConfigurationPropertyName name, Class<?> type) {
		for (Key key : keysOf(type).values()) {
			ConfigurationPropertyName child = name.append(key.name());
			if (key.type() == null) {
				// a value, or a list given by index
				if (source.getConfigurationProperty(child) != null
						|| source.getConfigurationProperty(ConfigurationPropertyName.of(child + "[0]")) != null) {
					return true;
				}
			}
			else if (key.map()) {
				// names of the user's choice: only the source can tell
				if (source.containsDescendantOf(child) == ConfigurationPropertyState.PRESENT) {
					return true;
				}
			}
			else if (hasValueBelow(source, child, key.type())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return the keys of a properties class: its bean properties in dashed form, by
	 * uniform form.
	 */
	private static Map<String, Key> keysOf(Class<?> type) {
		Map<String, Key> keys = new TreeMap<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() == null || "class".equals(descriptor.getName())) {
				continue;
			}
			String name = DataObjectPropertyName.toDashedForm(descriptor.getName());
			ResolvableType propertyType = ResolvableType.forMethodReturnType(descriptor.getReadMethod());
			Class<?> resolved = propertyType.resolve(Object.class);
			if (Map.class.isAssignableFrom(resolved)) {
				keys.put(uniform(name), new Key(name, propertyType.asMap().getGeneric(1).resolve(Object.class), true));
			}
			else if (PipeIoProperties.isGroup(resolved)) {
				keys.put(uniform(name), new Key(name, resolved, false));
			}
			else if (descriptor.getWriteMethod() != null) {
				keys.put(uniform(name), new Key(name, null, false));
			}
		}
		return keys;
	}

	/**
	 * A key of a properties class.
	 *
	 * @param name the key in dashed form
	 * @param type the class of the keys below it, {@code null} for a value
	 * @param map whether a name of the user's choice comes next (as after
	 * {@code channels})
	 */
	private record Key(String name, @Nullable Class<?> type, boolean map) {

		String display() {
			if (this.type == null) {
				return this.name;
			}
			if (this.map) {
				// a map of values (a plug-in's environment) has no keys below its names
				return this.name + (PipeIoProperties.isGroup(this.type) ? ".<name>.*" : ".<name>");
			}
			return this.name + ".*";
		}

	}

}
