package io.pipeio.autoconfigure;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * The settings a channel ends up with: each of its own
 * ({@code pipe-io.channels.<name>.*}), else the one of
 * {@code pipe-io.channel-defaults.*}. Remembers which is which, so that a problem names
 * the property to change.
 *
 * @author pipe-io
 */
final class EffectiveChannel {

	/** Stands for the channel's name in a pipe path. */
	static final String NAME_PLACEHOLDER = "{channel}";

	private final String name;

	private final Set<String> own = new HashSet<>();

	private final String inPipe;

	private final String outPipe;

	private final String permissions;

	private final boolean allowWorldWritable;

	private final boolean managePipes;

	private final String charset;

	private final @Nullable DataSize maxMessageSize;

	private final int sendQueueCapacity;

	private final @Nullable DataSize sendQueueMaxBytes;

	private final @Nullable String overflow;

	private final @Nullable Duration sendTimeout;

	private final @Nullable String dispatch;

	/**
	 * A channel's own: its default is the template's, {@code pipe-io.template.*}, not one
	 * of {@code pipe-io.channel-defaults.*}.
	 */
	private final @Nullable Duration replyTimeout;

	private final boolean autoStartup;

	/** A channel's own: there is no default plug-in. */
	private final @Nullable PipePluginProperties plugin;

	private final int retryMaxAttempts;

	private final Duration retryInitialInterval;

	private final double retryMultiplier;

	private final Duration retryMaxInterval;

	private final @Nullable String deadLetterFile;

	private final DataSize deadLetterMaxFileSize;

	private final int deadLetterMaxHistory;

	EffectiveChannel(String name, PipeChannelProperties channel, PipeChannelDefaults defaults) {
		this.name = name;
		this.inPipe = pick("in-pipe", channel.getInPipe(), defaults.getInPipe()).replace(NAME_PLACEHOLDER, name);
		this.outPipe = pick("out-pipe", channel.getOutPipe(), defaults.getOutPipe()).replace(NAME_PLACEHOLDER, name);
		this.permissions = pick("permissions", channel.getPermissions(), defaults.getPermissions());
		this.allowWorldWritable = pick("allow-world-writable", channel.getAllowWorldWritable(),
				defaults.isAllowWorldWritable());
		this.managePipes = pick("manage-pipes", channel.getManagePipes(), defaults.isManagePipes());
		this.charset = pick("charset", channel.getCharset(), defaults.getCharset());
		this.maxMessageSize = pick("max-message-size", channel.getMaxMessageSize(), defaults.getMaxMessageSize());
		this.sendQueueCapacity = pick("send-queue-capacity", channel.getSendQueueCapacity(),
				defaults.getSendQueueCapacity());
		this.sendQueueMaxBytes = pick("send-queue-max-bytes", channel.getSendQueueMaxBytes(),
				defaults.getSendQueueMaxBytes());
		this.overflow = pick("overflow", channel.getOverflow(), defaults.getOverflow());
		this.sendTimeout = pick("send-timeout", channel.getSendTimeout(), defaults.getSendTimeout());
		this.dispatch = pick("dispatch", channel.getDispatch(), defaults.getDispatch());
		this.replyTimeout = channel.getReplyTimeout();
		if (this.replyTimeout != null) {
			this.own.add("reply-timeout");
		}
		this.autoStartup = pick("auto-startup", channel.getAutoStartup(), defaults.isAutoStartup());
		this.plugin = channel.getPlugin();
		PipeRetryProperties retry = channel.getRetry();
		PipeRetryProperties retryDefaults = defaults.getRetry();
		this.retryMaxAttempts = pick("retry.max-attempts", retry.getMaxAttempts(),
				or(retryDefaults.getMaxAttempts(), PipeRetryProperties.DEFAULT_MAX_ATTEMPTS));
		this.retryInitialInterval = pick("retry.initial-interval", retry.getInitialInterval(),
				or(retryDefaults.getInitialInterval(), PipeRetryProperties.DEFAULT_INITIAL_INTERVAL));
		this.retryMultiplier = pick("retry.multiplier", retry.getMultiplier(),
				or(retryDefaults.getMultiplier(), PipeRetryProperties.DEFAULT_MULTIPLIER));
		this.retryMaxInterval = pick("retry.max-interval", retry.getMaxInterval(),
				or(retryDefaults.getMaxInterval(), PipeRetryProperties.DEFAULT_MAX_INTERVAL));
		PipeDeadLetterProperties deadLetter = channel.getDeadLetter();
		PipeDeadLetterProperties deadLetterDefaults = defaults.getDeadLetter();
		// No built-in default: pick() would need one.
		String file = deadLetter.getFile();
		if (file != null) {
			this.own.add("dead-letter.file");
		}
		else {
			file = deadLetterDefaults.getFile();
		}
		// An empty value turns the file of channel-defaults off for one channel.
		this.deadLetterFile = (file != null && !file.isBlank()) ? file.replace(NAME_PLACEHOLDER, name) : null;
		this.deadLetterMaxFileSize = pick("dead-letter.max-file-size", deadLetter.getMaxFileSize(),
				or(deadLetterDefaults.getMaxFileSize(), PipeDeadLetterProperties.DEFAULT_MAX_FILE_SIZE));
		this.deadLetterMaxHistory = pick("dead-letter.max-history", deadLetter.getMaxHistory(),
				or(deadLetterDefaults.getMaxHistory(), PipeDeadLetterProperties.DEFAULT_MAX_HISTORY));
	}

	private <T> T pick(String key, @Nullable T value, T fallback) {
		if (value != null) {
			this.own.add(key);
			return value;
		}
		return fallback;
	}

	private static <T> T or(@Nullable T value, T fallback) {
		return (value != null) ? value : fallback;
	}

	String name() {
		return this.name;
	}

	/**
	 * Return the property a setting comes from.
	 * @param key the key, such as {@code charset}
	 * @return {@code pipe-io.channels.<name>.<key>} if the channel sets it, else
	 * {@code pipe-io.channel-defaults.<key>}
	 */
	String property(String key) {
		return isOwn(key) ? "pipe-io.channels." + this.name + "." + key : "pipe-io.channel-defaults." + key;
	}

	/**
	 * Return whether the channel sets a key itself.
	 * @param key the key, such as {@code charset}
	 * @return whether the value is the channel's own
	 */
	boolean isOwn(String key) {
		return this.own.contains(key);
	}

	String inPipe() {
		return this.inPipe;
	}

	String outPipe() {
		return this.outPipe;
	}

	String permissions() {
		return this.permissions;
	}

	boolean allowWorldWritable() {
		return this.allowWorldWritable;
	}

	boolean managePipes() {
		return this.managePipes;
	}

	String charset() {
		return this.charset;
	}

	@Nullable DataSize maxMessageSize() {
		return this.maxMessageSize;
	}

	int sendQueueCapacity() {
		return this.sendQueueCapacity;
	}

	@Nullable DataSize sendQueueMaxBytes() {
		return this.sendQueueMaxBytes;
	}

	@Nullable String overflow() {
		return this.overflow;
	}

	@Nullable Duration sendTimeout() {
		return this.sendTimeout;
	}

	@Nullable String dispatch() {
		return this.dispatch;
	}

	/**
	 * @return the channel's own reply timeout, or {@code null} for the template's
	 */
	@Nullable Duration replyTimeout() {
		return this.replyTimeout;
	}

	boolean autoStartup() {
		return this.autoStartup;
	}

	@Nullable PipePluginProperties plugin() {
		return this.plugin;
	}

	int retryMaxAttempts() {
		return this.retryMaxAttempts;
	}

	Duration retryInitialInterval() {
		return this.retryInitialInterval;
	}

	double retryMultiplier() {
		return this.retryMultiplier;
	}

	Duration retryMaxInterval() {
		return this.retryMaxInterval;
	}

	/**
	 * @return the dead-letter file with the channel's name in place, or {@code null} for
	 * none
	 */
	@Nullable String deadLetterFile() {
		return this.deadLetterFile;
	}

	DataSize deadLetterMaxFileSize() {
		return this.deadLetterMaxFileSize;
	}

	int deadLetterMaxHistory() {
		return this.deadLetterMaxHistory;
	}

	/**
	 * @return the property of the channel's plug-in, for messages
	 */
	String pluginProperty() {
		return "pipe-io.channels." + this.name + ".plugin";
	}

}
