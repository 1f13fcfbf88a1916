package io.pipeio.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Bindable.BindRestriction;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Binds {@code pipe-io.*} so that every source can override a channel, whatever form the
 * YAML that declares it uses, and so that a key that is no property fails startup.
 * <p>
 * Since Spring Boot 4.1 a YAML entry with an empty value ({@code upper: {}},
 * {@code upper: ~} or {@code upper:}) is a property {@code pipe-io.channels.upper} whose
 * value is an empty string. The binder prefers such a direct value to the keys below it,
 * so it turns the channel into one with default settings and never looks at
 * {@code --pipe-io.channels.upper.permissions}, an environment variable or a
 * profile-specific file. This handler tells the binder to ignore the direct value of a
 * settings object of {@link PipeIoProperties} whenever some source has keys below it;
 * without any, the empty value still declares the object with its defaults.
 * <p>
 * The binder also leaves out a channel whose keys all have empty values (as a template
 * may leave {@code send-timeout: ${ECHO_TIMEOUT:}}): an empty value of a duration or a
 * number binds nothing, and an entry of a map that binds nothing is not added. An empty
 * value means the default everywhere else, so this handler declares such a channel with
 * its defaults rather than let it vanish without a word.
 * <p>
 * Before {@code pipe-io} is bound, it fails the binding if a key under it is no property
 * (a typo such as {@code max-mesage-size}), naming the key and the valid ones; the binder
 * alone ignores such keys. It then reads which names under {@code pipe-io} the sources
 * hold, when they can tell ({@link PipeIoPropertyNames}), and skips the keys that none
 * sets rather than let the binder ask every source about each.
 *
 * @author pipe-io
 */
final class PipeIoBindHandler extends AbstractBindHandler {

	static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("pipe-io");

	private static final ConfigurationPropertyName CHANNELS = ROOT.append("channels");

	/**
	 * The names under {@code pipe-io} that the sources hold, once {@code pipe-io} is
	 * bound; {@code null} before, and when a source cannot list them.
	 */
	private @Nullable PipeIoPropertyNames names;

	/** The channels with keys below them in some source, by name. */
	private final Set<ConfigurationPropertyName> declaredChannels = new LinkedHashSet<>();

	/** The channels of {@link #declaredChannels} that bound nothing, by key. */
	private final Set<String> emptyChannels = new LinkedHashSet<>();

	PipeIoBindHandler(BindHandler parent) {
		super(parent);
	}

	/**
	 * Return the advisor that adds this handler to the binding of every
	 * {@code @ConfigurationProperties} bean; it acts on names under {@code pipe-io} only.
	 * @return the advisor
	 */
	static ConfigurationPropertiesBindHandlerAdvisor advisor() {
		return PipeIoBindHandler::new;
	}

	@Override
	public <T> @Nullable Bindable<T> onStart(ConfigurationPropertyName name, Bindable<T> target, BindContext context) {
		PipeIoPropertyNames names = this.names;
		if (names != null && ROOT.isAncestorOf(name) && !names.isSet(name)) {
			// What the binder would find after asking every source, without asking; the
			// handlers below, such as validation, have nothing to record either
			return null;
		}
		Bindable<T> bindable = super.onStart(name, target, context);
		if (name.equals(ROOT) && context.getDepth() == 0) {
			List<String> unknown = PipeIoPropertyKeys.findUnknown(context.getSources());
			if (!unknown.isEmpty()) {
				throw new UnknownPipeIoPropertyException(unknown);
			}
			this.names = PipeIoPropertyNames.read(context.getSources());
			names = this.names;
		}
		if (bindable == null || !ROOT.isAncestorOf(name)) {
			return bindable;
		}
		if (isSettingsObject(bindable) && hasDescendants(name, bindable, context, names)) {
			if (CHANNELS.isParentOf(name)) {
				this.declaredChannels.add(name);
			}
			return bindable.withBindRestrictions(BindRestriction.NO_DIRECT_PROPERTY);
		}
		return bindable;
	}

	@Override
	public void onFinish(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
			@Nullable Object result) throws Exception {
		if (result == null && this.declaredChannels.contains(name)) {
			// the map's key for this entry, as the binder makes it
			this.emptyChannels.add(name.getLastElement(Form.ORIGINAL));
		}
		else if (name.equals(CHANNELS) && !this.emptyChannels.isEmpty()) {
			declareWithDefaults(target, result);
		}
		super.onFinish(name, target, context, result);
	}

	/**
	 * Add the channels that bound nothing to PipeIoProperties' own map, which the binder
	 * filled in place, and to the copy of it the binder returns, if any: the binder
	 * checks that the two are equal, so both get the same objects.
	 */
	@SuppressWarnings("unchecked")
	private void declareWithDefaults(Bindable<?> target, @Nullable Object result) {
		Supplier<?> existing = target.getValue();
		@Nullable Object own = (existing != null) ? existing.get() : null;
		for (String channel : this.emptyChannels) {
			PipeChannelProperties defaults = new PipeChannelProperties();
			for (Object map : new Object[] { own, result }) {
				if (map instanceof Map<?, ?> channels) {
					((Map<String, PipeChannelProperties>) channels).putIfAbsent(channel, defaults);
				}
			}
		}
		this.emptyChannels.clear();
	}

	private static boolean isSettingsObject(Bindable<?> target) {
		return PipeIoProperties.isGroup(target.getType().resolve(Object.class));
	}

	private static boolean hasDescendants(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
			@Nullable PipeIoPropertyNames names) {
		if (names != null) {
			return names.hasDescendants(name);
		}
		for (ConfigurationPropertySource source : context.getSources()) {
			if (source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT
					&& (!(source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource) || PipeIoPropertyKeys
						.hasValueBelow(source, name, target.getType().resolve(Object.class)))) {
				// An environment variable's name may only look like one below it: without
				// a value below, the object's empty value must still declare it.
				return true;
			}
		}
		return false;
	}

}
