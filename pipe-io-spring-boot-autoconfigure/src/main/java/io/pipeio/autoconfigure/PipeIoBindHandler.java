package io.pipeio.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Bindable.BindRestriction;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
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

	/**
	 * The names under {@code pipe-io} that the sources hold, once {@code pipe-io} is
	 * bound; {@code null} before, and when a source cannot list them.
	 */
	private @Nullable PipeIoPropertyNames names;

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
			return bindable.withBindRestrictions(BindRestriction.NO_DIRECT_PROPERTY);
		}
		return bindable;
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
