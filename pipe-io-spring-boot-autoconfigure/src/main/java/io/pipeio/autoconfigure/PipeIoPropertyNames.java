package io.pipeio.autoconfigure;

import java.util.HashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The names under {@code pipe-io} that the sources of a binding hold, read once when the
 * binding starts, so that {@link PipeIoBindHandler} can tell the binder to skip what no
 * source sets.
 * <p>
 * Without it the binder asks every source about each of the sixteen keys of every
 * channel, and whether keys lie below it. The source of the environment variables keeps
 * each name it was asked about, with its spellings, for the life of the application:
 * about 17 KiB per channel, the largest part of what a channel declared by properties
 * costs on the heap, and a good part of the time to bind a thousand channels.
 * <p>
 * The environment variables cannot be listed as names under {@code pipe-io}, and other
 * sources may not be listable at all; the names are known only when each such source says
 * it holds nothing under {@code pipe-io}. Otherwise nothing is skipped.
 *
 * @author pipe-io
 */
final class PipeIoPropertyNames {

	/** Names with a value, in some source. */
	private final Set<ConfigurationPropertyName> values = new HashSet<>();

	/** Names with keys below them, in some source. */
	private final Set<ConfigurationPropertyName> parents = new HashSet<>();

	private PipeIoPropertyNames() {
	}

	/**
	 * Read the names under {@code pipe-io} of the sources of a binding.
	 * @param sources the sources of the binding
	 * @return the names, or {@code null} if some source cannot list them and may hold
	 * some
	 */
	static @Nullable PipeIoPropertyNames read(Iterable<ConfigurationPropertySource> sources) {
		PipeIoPropertyNames names = new PipeIoPropertyNames();
		for (ConfigurationPropertySource source : sources) {
			if (source instanceof IterableConfigurationPropertySource iterable
					&& !(source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource)) {
				for (ConfigurationPropertyName name : iterable.filter(PipeIoBindHandler.ROOT::isAncestorOf)) {
					names.add(name);
				}
			}
			else if (source.containsDescendantOf(PipeIoBindHandler.ROOT) != ConfigurationPropertyState.ABSENT) {
				return null;
			}
		}
		return names;
	}

	private void add(ConfigurationPropertyName name) {
		this.values.add(name);
		ConfigurationPropertyName parent = name.getParent();
		// each ancestor once: the walk ends at one already added
		while (!parent.isEmpty() && this.parents.add(parent)) {
			parent = parent.getParent();
		}
	}

	/**
	 * Return whether some source sets this name or keys below it.
	 * @param name the name
	 * @return whether binding the name can find anything
	 */
	boolean isSet(ConfigurationPropertyName name) {
		return this.values.contains(name) || this.parents.contains(name);
	}

	/**
	 * Return whether some source has keys below this name.
	 * @param name the name
	 * @return whether keys lie below it
	 */
	boolean hasDescendants(ConfigurationPropertyName name) {
		return this.parents.contains(name);
	}

}
