package io.pipeio.autoconfigure;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pipeio.core.PipeChannelSettings;
import io.pipeio.core.PipeRetrySettings;
import io.pipeio.deadletter.DeadLetterSettings;
import io.pipeio.server.DataSizes;
import io.pipeio.server.DispatchMode;
import io.pipeio.server.PipeEngine;
import io.pipeio.server.PipeServerSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Turns {@link PipeIoProperties} into channel settings, and checks them first so that a
 * bad value fails startup with a message naming the property and the fix.
 *
 * @author pipe-io
 */
public class PipeChannelSettingsFactory {

	private static final Log logger = LogFactory.getLog(PipeChannelSettingsFactory.class);

	private final PipeIoProperties properties;

	private final List<PipeChannelSettingsCustomizer> customizers;

	private final Path directory;

	/**
	 * Create a factory for an application named "application".
	 * @param properties the properties
	 * @param customizers applied to every channel's settings, in order
	 */
	public PipeChannelSettingsFactory(PipeIoProperties properties, List<PipeChannelSettingsCustomizer> customizers) {
		this(properties, customizers, PipeIoProperties.DEFAULT_APPLICATION_NAME);
	}

	/**
	 * Create a factory.
	 * @param properties the properties
	 * @param customizers applied to every channel's settings, in order
	 * @param applicationName the application's name, part of the default directory
	 */
	public PipeChannelSettingsFactory(PipeIoProperties properties, List<PipeChannelSettingsCustomizer> customizers,
			String applicationName) {
		this.properties = properties;
		this.customizers = customizers;
		this.directory = properties.determineDirectory(applicationName);
	}

	/**
	 * @return the base directory of relative pipe paths
	 */
	public Path getDirectory() {
		return this.directory;
	}

	/**
	 * Return the problems of the configuration, each naming its property: a channel's
	 * own, or the one of {@code pipe-io.channel-defaults} that it inherits.
	 * @param properties the properties
	 * @return the problems, empty if none
	 */
	static List<String> validate(PipeIoProperties properties) {
		return PipeChannelChecks.validate(properties);
	}

	/**
	 * Create the settings of every configured channel.
	 * @return settings by channel name, in configuration order
	 */
	public Map<String, PipeChannelSettings> createConfigured() {
		Map<String, PipeChannelSettings> result = new LinkedHashMap<>();
		this.properties.getChannels().forEach((name, own) -> {
			result.put(name, create(new EffectiveChannel(name, own, this.properties.getChannelDefaults())));
		});
		return result;
	}

	/**
	 * Create default settings for a channel that is not configured: those of
	 * {@code pipe-io.channel-defaults}.
	 * @param name the channel name
	 * @return the settings
	 */
	public PipeChannelSettings createDefault(String name) {
		// Checked like a configured channel's name: the pipes are made from it.
		Assert.isTrue(PipePathChecks.isValidName(name), () -> "'" + PipePathChecks.printable(name)
				+ "' is not a valid channel name (a @PipeListener, or a channel registered at runtime, names it);"
				+ " use ASCII letters, digits, '-' or '_'");
		return create(new EffectiveChannel(name, new PipeChannelProperties(), this.properties.getChannelDefaults()));
	}

	private PipeChannelSettings create(EffectiveChannel channel) {
		String name = channel.name();
		Set<PosixFilePermission> permissions = PosixFilePermissions.fromString(channel.permissions());
		boolean othersWrite = permissions.contains(PosixFilePermission.OTHERS_WRITE);
		boolean othersRead = permissions.contains(PosixFilePermission.OTHERS_READ);
		if (othersRead || othersWrite) {
			String can = (othersWrite ? "send it lines" : "") + ((othersWrite && othersRead) ? ", and " : "")
					+ (othersRead ? "read (take) the lines clients send or their replies" : "");
			logger.warn("Channel '" + name + "': every user of this machine may use its pipes (permissions "
					+ channel.permissions() + ", " + channel.property("allow-world-writable") + "=true),"
					+ " so any local process can " + can);
		}
		Set<String> ignored = new LinkedHashSet<>();
		PipeServerSettings.Builder server = PipeServerSettings
			.builder(name, PipePathChecks.resolve(this.directory, channel.inPipe(), name + ".in", "", ignored),
					PipePathChecks.resolve(this.directory, channel.outPipe(), name + ".out", "", ignored))
			.permissions(PosixFilePermissions.fromString(channel.permissions()))
			.directoryPermissions(PosixFilePermissions.fromString(this.properties.getDirectoryPermissions()))
			.managePipes(channel.managePipes())
			.maxMessageSize((int) required(channel.maxMessageSize(), channel, "max-message-size").toBytes())
			.sendQueueCapacity(channel.sendQueueCapacity())
			.sendQueueMaxBytes(required(channel.sendQueueMaxBytes(), channel, "send-queue-max-bytes").toBytes())
			.overflow(required(PipeChannelChecks.overflow(channel.overflow()), channel, "overflow"))
			.sendTimeout(required(channel.sendTimeout(), channel, "send-timeout"))
			.engine(engine())
			.eventLoops(this.properties.getEventLoop().getThreads())
			.dispatch(dispatch(channel));
		for (PipeChannelSettingsCustomizer customizer : this.customizers) {
			customizer.customize(name, server);
		}
		PipePluginProperties plugin = channel.plugin();
		String deadLetterFile = channel.deadLetterFile();
		// Checked with the configured channels already; a channel only a listener
		// declares gets its name here.
		String deadLetterProblem = DeadLetterChecks.fileProblem(channel);
		if (deadLetterProblem != null) {
			throw new IllegalArgumentException(deadLetterProblem);
		}
		PipeServerSettings serverSettings = server.build();
		String heapWarning = heapWarning(channel, serverSettings, Runtime.getRuntime().maxMemory());
		if (heapWarning != null) {
			logger.warn(heapWarning);
		}
		return new PipeChannelSettings(serverSettings, Charset.forName(channel.charset()), channel.autoStartup(),
				(plugin != null) ? plugin.toSettings(channel.pluginProperty()) : null,
				new PipeRetrySettings(channel.retryMaxAttempts(), channel.retryInitialInterval(),
						channel.retryMultiplier(), channel.retryMaxInterval()),
				(deadLetterFile != null) ? new DeadLetterSettings(Path.of(deadLetterFile),
						channel.deadLetterMaxFileSize().toBytes(), channel.deadLetterMaxHistory()) : null,
				channel.replyTimeout());
	}

	/**
	 * Warn of a channel that alone may take half the heap or more: the bounds of its
	 * memory are there to keep a client that stops reading (or writes one huge line) from
	 * running the application out of memory, and do not if they are as large as the heap
	 * (the default 64MB send queue in a JVM started with {@code -Xmx64m}, say).
	 * @return the warning, or {@code null} if the channel's bounds are well within the
	 * heap
	 */
	static @Nullable String heapWarning(EffectiveChannel channel, PipeServerSettings settings, long maxHeap) {
		// a line that spans reads takes about twice its size while it is assembled
		long bound = settings.getSendQueueMaxBytes() + 2L * settings.getMaxMessageSize();
		if (maxHeap == Long.MAX_VALUE || bound < maxHeap / 2) {
			return null;
		}
		return "Channel '" + channel.name() + "' may hold about " + megabytes(bound) + " of lines (its send queue's "
				+ DataSizes.format(settings.getSendQueueMaxBytes())
				+ ", and twice its max message size for a line being read), half or more of this JVM's maximum heap of about "
				+ megabytes(maxHeap) + ": a client that stops reading could run the application out of"
				+ " memory. Lower " + channel.property("send-queue-max-bytes") + " (or "
				+ channel.property("max-message-size") + "), or raise the maximum heap (-Xmx)";
	}

	/** A size that is not configured as such, rounded to the nearest megabyte. */
	private static String megabytes(long bytes) {
		return ((bytes + (1 << 19)) >> 20) + "MB";
	}

	/**
	 * The channel's dispatch mode; {@code auto} is {@code worker} for a channel that
	 * waits between attempts of a failed listener, so that the wait never holds up the
	 * event loop.
	 */
	private static DispatchMode dispatch(EffectiveChannel channel) {
		DispatchMode dispatch = required(PipeChannelChecks.dispatch(channel.dispatch()), channel, "dispatch");
		return (dispatch == DispatchMode.AUTO && PipeChannelChecks.retryWaits(channel)) ? DispatchMode.WORKER
				: dispatch;
	}

	/**
	 * The engine of every channel: one event loop serves them all, so it is no channel
	 * setting.
	 */
	private PipeEngine engine() {
		PipeEngine engine = PipeChannelChecks.engine(this.properties.getEngine());
		if (engine == null) {
			throw new IllegalArgumentException("pipe-io.engine must be set to a valid value");
		}
		return engine;
	}

	/**
	 * A value that validation has checked already; {@code null} only if validation was
	 * skipped.
	 */
	private static <T> T required(@Nullable T value, EffectiveChannel channel, String key) {
		if (value == null) {
			throw new IllegalArgumentException(channel.property(key) + " must be set to a valid value");
		}
		return value;
	}

}
