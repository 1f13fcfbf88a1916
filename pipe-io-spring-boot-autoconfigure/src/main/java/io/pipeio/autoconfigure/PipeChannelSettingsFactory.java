package io.pipeio.autoconfigure;

import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pipeio.core.PipeChannelSettings;
import io.pipeio.server.OverflowPolicy;
import io.pipeio.server.PipeServerSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@link PipeIoProperties} into channel settings, and checks them first so that a bad value
 * fails startup with a message naming the property and the fix.
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

	/** @return the base directory of relative pipe paths */
	public Path getDirectory() {
		return this.directory;
	}

	/**
	 * Return the problems of the configuration, each naming its property.
	 * @param properties the properties
	 * @return the problems, empty if none
	 */
	public static List<String> validate(PipeIoProperties properties) {
		List<String> problems = new ArrayList<>();
		Map<Path, String> pathOwners = new HashMap<>();
		Path directory = properties.determineDirectory();
		checkDirectoryPermissions(properties.getDirectoryPermissions(), problems);
		properties.getChannels().forEach((name, channel) -> {
			String prefix = "pipe-io.channels." + name + ".";
			if (name.isBlank() || name.contains("/")) {
				problems.add("pipe-io.channels: '" + name + "' is not a valid channel name; use letters, digits,"
						+ " '-' or '_'");
			}
			checkCharset(channel.getCharset(), prefix, problems);
			checkPermissions(channel.getPermissions(), channel.isAllowWorldWritable(), prefix, problems);
			if (channel.getMaxMessageSize().toBytes() < 1 || channel.getMaxMessageSize().toBytes() > Integer.MAX_VALUE - 8) {
				problems.add(prefix + "max-message-size must be between 1B and 2047MB, got " + channel.getMaxMessageSize()
						+ "; use a size such as 1MB");
			}
			if (channel.getSendQueueCapacity() < 1) {
				problems.add(prefix + "send-queue-capacity must be at least 1, got " + channel.getSendQueueCapacity());
			}
			if (channel.getSendQueueMaxBytes() == null || channel.getSendQueueMaxBytes().toBytes() < 1) {
				problems.add(prefix + "send-queue-max-bytes must be at least 1B, got " + channel.getSendQueueMaxBytes()
						+ "; use a size such as 64MB");
			}
			if (overflow(channel.getOverflow()) == null) {
				problems.add(overflowProblem(prefix, channel.getOverflow()));
			}
			if (channel.getSendTimeout() == null || channel.getSendTimeout().isNegative()) {
				problems.add(prefix + "send-timeout must not be negative, got " + channel.getSendTimeout()
						+ "; use a duration such as 5s");
			}
			checkPath(pathOwners, resolve(directory, channel.getInPipe(), name + ".in", prefix + "in-pipe", problems),
					prefix + "in-pipe", problems);
			checkPath(pathOwners,
					resolve(directory, channel.getOutPipe(), name + ".out", prefix + "out-pipe", problems),
					prefix + "out-pipe", problems);
		});
		return problems;
	}

	/**
	 * Create the settings of every configured channel.
	 * @return settings by channel name, in configuration order
	 */
	public Map<String, PipeChannelSettings> createConfigured() {
		Map<String, PipeChannelSettings> result = new LinkedHashMap<>();
		this.properties.getChannels().forEach((name, channel) -> {
			result.put(name, create(name, channel));
			if (PosixFilePermissions.fromString(channel.getPermissions()).contains(PosixFilePermission.OTHERS_WRITE)) {
				logger.warn("Channel '" + name + "': every user of this machine may write to its pipes (permissions "
						+ channel.getPermissions() + ", pipe-io.channels." + name + ".allow-world-writable=true),"
						+ " so any local process can send it lines");
			}
		});
		return result;
	}

	/**
	 * Create default settings for a channel that is not configured.
	 * @param name the channel name
	 * @return the settings
	 */
	public PipeChannelSettings createDefault(String name) {
		return create(name, new PipeIoProperties.Channel());
	}

	private PipeChannelSettings create(String name, PipeIoProperties.Channel channel) {
		Path directory = this.directory;
		List<String> ignored = new ArrayList<>();
		PipeServerSettings.Builder server = PipeServerSettings
			.builder(name, resolve(directory, channel.getInPipe(), name + ".in", "", ignored),
					resolve(directory, channel.getOutPipe(), name + ".out", "", ignored))
			.permissions(PosixFilePermissions.fromString(channel.getPermissions()))
			.directoryPermissions(PosixFilePermissions.fromString(this.properties.getDirectoryPermissions()))
			.managePipes(channel.isManagePipes())
			.maxMessageSize((int) channel.getMaxMessageSize().toBytes())
			.sendQueueCapacity(channel.getSendQueueCapacity())
			.sendQueueMaxBytes(channel.getSendQueueMaxBytes().toBytes())
			.overflow(requireOverflow("pipe-io.channels." + name + ".", channel.getOverflow()))
			.sendTimeout(channel.getSendTimeout());
		for (PipeChannelSettingsCustomizer customizer : this.customizers) {
			customizer.customize(name, server);
		}
		return new PipeChannelSettings(server.build(), Charset.forName(channel.getCharset()), channel.isAutoStartup());
	}

	private static OverflowPolicy requireOverflow(String prefix, String value) {
		OverflowPolicy policy = overflow(value);
		if (policy == null) {
			throw new IllegalArgumentException(overflowProblem(prefix, value));
		}
		return policy;
	}

	private static String overflowProblem(String prefix, @Nullable String value) {
		return prefix + "overflow '" + value + "' is not an overflow policy; use block, drop-newest, drop-oldest"
				+ " or fail";
	}

	/**
	 * Parse an overflow policy as configured: {@code drop-newest}, also {@code DROP_NEWEST}.
	 * @return the policy, or {@code null} if there is no such policy
	 */
	private static @Nullable OverflowPolicy overflow(@Nullable String value) {
		if (value != null) {
			for (OverflowPolicy policy : OverflowPolicy.values()) {
				if (policy.value().equalsIgnoreCase(value.trim().replace('_', '-'))) {
					return policy;
				}
			}
		}
		return null;
	}

	private static Path resolve(Path directory, @Nullable String configured, String fallback, String property,
			List<String> problems) {
		String value = (configured != null && !configured.isBlank()) ? configured : fallback;
		try {
			return directory.resolve(value).toAbsolutePath().normalize();
		}
		catch (InvalidPathException ex) {
			problems.add(property + " '" + value + "' is not a valid path: " + ex.getReason());
			return directory.resolve(fallback);
		}
	}

	private static void checkPath(Map<Path, String> owners, Path path, String property, List<String> problems) {
		String other = owners.putIfAbsent(path, property);
		if (other != null) {
			problems.add(property + " and " + other + " both resolve to " + path
					+ "; every pipe needs its own path, change one of them");
		}
	}

	private static void checkCharset(String charset, String prefix, List<String> problems) {
		try {
			Charset.forName(charset);
		}
		catch (IllegalArgumentException ex) {
			problems.add(prefix + "charset '" + charset + "' is not a charset this JVM supports; use a name such as"
					+ " UTF-8 or ISO-8859-1");
		}
	}

	private static void checkDirectoryPermissions(String permissions, List<String> problems) {
		try {
			Set<PosixFilePermission> parsed = PosixFilePermissions.fromString(permissions);
			if (!parsed.containsAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
					PosixFilePermission.OWNER_EXECUTE)) || parsed.contains(PosixFilePermission.GROUP_WRITE)
					|| parsed.contains(PosixFilePermission.OTHERS_WRITE)) {
				problems.add("pipe-io.directory-permissions '" + permissions + "' must give the owner rwx and nobody"
						+ " else write access (another user could replace the pipes); use rwx------ or rwx--x---");
			}
		}
		catch (IllegalArgumentException ex) {
			problems.add("pipe-io.directory-permissions '" + permissions + "' is not a permission string; use nine"
					+ " characters as in ls -l, such as rwx------ or rwx--x---");
		}
	}

	private static void checkPermissions(String permissions, boolean allowWorldWritable, String prefix,
			List<String> problems) {
		try {
			Set<PosixFilePermission> parsed = PosixFilePermissions.fromString(permissions);
			if (!parsed.contains(PosixFilePermission.OWNER_READ) || !parsed.contains(PosixFilePermission.OWNER_WRITE)) {
				problems.add(prefix + "permissions '" + permissions + "' must let the owner read and write; use"
						+ " rw------- or rw-rw----");
			}
			if (parsed.contains(PosixFilePermission.OWNER_EXECUTE) || parsed.contains(PosixFilePermission.GROUP_EXECUTE)
					|| parsed.contains(PosixFilePermission.OTHERS_EXECUTE)) {
				problems.add(prefix + "permissions '" + permissions + "' has execute bits, which mean nothing on a"
						+ " FIFO; use read and write bits only, such as " + permissions.replace('x', '-'));
			}
			if (parsed.contains(PosixFilePermission.OTHERS_WRITE) && !allowWorldWritable) {
				problems.add(prefix + "permissions '" + permissions + "' let every user of this machine write to"
						+ " the channel's pipes; use rw------- or rw-rw---- (a group), or set " + prefix
						+ "allow-world-writable=true if every local process may send it lines");
			}
		}
		catch (IllegalArgumentException ex) {
			problems.add(prefix + "permissions '" + permissions + "' is not a permission string; use nine"
					+ " characters as in ls -l, such as rw------- or rw-rw----");
		}
	}

}
