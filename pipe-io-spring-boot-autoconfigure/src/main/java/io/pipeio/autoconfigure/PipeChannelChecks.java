package io.pipeio.autoconfigure;

import java.time.Duration;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pipeio.server.DispatchMode;
import io.pipeio.server.Durations;
import io.pipeio.server.OverflowPolicy;
import io.pipeio.server.PipeEngine;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * Checks {@link PipeIoProperties} before any channel is created, so that a bad value
 * fails startup with a message that names the property to change (a channel's own, or the
 * one of {@code pipe-io.channel-defaults} it inherits) and the fix. Every problem is
 * reported at once, each only once.
 *
 * @author pipe-io
 */
final class PipeChannelChecks {

	/** More event loops than this are a mistake: they pay off up to one per processor. */
	static final int MAX_EVENT_LOOPS = 256;

	private PipeChannelChecks() {
	}

	static List<String> validate(PipeIoProperties properties) {
		Set<String> problems = new LinkedHashSet<>();
		Map<Path, String> pathOwners = new HashMap<>();
		Map<Path, EffectiveChannel> deadLetterFiles = new HashMap<>();
		Path directory = properties.determineDirectory();
		checkDirectoryPermissions(properties.getDirectoryPermissions(), problems);
		if (engine(properties.getEngine()) == null) {
			problems.add("pipe-io.engine '" + properties.getEngine() + "' is not an engine; use auto, event-loop or"
					+ " threads");
		}
		int loops = properties.getEventLoop().getThreads();
		if (loops < 1 || loops > MAX_EVENT_LOOPS) {
			// Each loop holds descriptors and a thread: thousands fail later, at start,
			// with an error that names no property.
			problems.add("pipe-io.event-loop.threads must be between 1 and " + MAX_EVENT_LOOPS + ", got " + loops
					+ "; use 1, or up to the number of processors (" + Runtime.getRuntime().availableProcessors()
					+ " here) to spread many busy channels over cores");
		}
		Duration replyTimeout = properties.getTemplate().getReplyTimeout();
		if (replyTimeout == null || replyTimeout.isNegative() || replyTimeout.isZero()) {
			problems.add("pipe-io.template.reply-timeout must be positive, got " + replyTimeout
					+ "; set how long a request waits for its answer, such as 30s (the default)");
		}
		// The defaults alone: they are the settings of channels that only a listener
		// declares.
		EffectiveChannel defaults = new EffectiveChannel(EffectiveChannel.NAME_PLACEHOLDER, new PipeChannelProperties(),
				properties.getChannelDefaults());
		checkValues(defaults, problems);
		PipePathChecks.checkDefaultPaths(defaults, directory, problems);
		properties.getChannels().forEach((name, own) -> {
			if (!PipePathChecks.isValidName(name)) {
				problems.add("pipe-io.channels: '" + PipePathChecks.printable(name) + "' is not a valid channel name;"
						+ " use ASCII letters, digits, '-' or '_'");
			}
			EffectiveChannel channel = new EffectiveChannel(name, own, properties.getChannelDefaults());
			checkValues(channel, problems);
			checkPlugin(channel, problems);
			DeadLetterChecks.checkFile(deadLetterFiles, channel, problems);
			PipePathChecks.checkPath(pathOwners, channel, "in-pipe", channel.inPipe(), name + ".in", directory,
					problems);
			PipePathChecks.checkPath(pathOwners, channel, "out-pipe", channel.outPipe(), name + ".out", directory,
					problems);
		});
		PipePathChecks.checkRelaxedNames(properties.getChannels().keySet(), problems);
		DeadLetterChecks.checkNotAPipe(deadLetterFiles, pathOwners, problems);
		return new ArrayList<>(problems);
	}

	private static void checkValues(EffectiveChannel channel, Set<String> problems) {
		checkCharset(channel, problems);
		checkPermissions(channel, problems);
		DataSize maxMessageSize = channel.maxMessageSize();
		if (maxMessageSize == null || maxMessageSize.toBytes() < 1
				|| maxMessageSize.toBytes() > Integer.MAX_VALUE - 8) {
			problems.add(channel.property("max-message-size") + " must be between 1B and 2047MB, got " + maxMessageSize
					+ "; use a size such as 1MB");
		}
		if (channel.sendQueueCapacity() < 1) {
			problems.add(channel.property("send-queue-capacity") + " must be at least 1, got "
					+ channel.sendQueueCapacity() + "; use a capacity such as 10000 (lines)");
		}
		DataSize sendQueueMaxBytes = channel.sendQueueMaxBytes();
		if (sendQueueMaxBytes == null || sendQueueMaxBytes.toBytes() < 1) {
			problems.add(channel.property("send-queue-max-bytes") + " must be at least 1B, got " + sendQueueMaxBytes
					+ "; use a size such as 64MB");
		}
		if (overflow(channel.overflow()) == null) {
			problems.add(overflowProblem(channel.property("overflow"), channel.overflow()));
		}
		DispatchMode dispatch = dispatch(channel.dispatch());
		if (dispatch == null) {
			problems.add(channel.property("dispatch") + " '" + channel.dispatch()
					+ "' is not a dispatch mode; use auto, loop or worker");
		}
		else if (dispatch == DispatchMode.LOOP && retryWaits(channel)) {
			problems.add(channel.property("dispatch") + "=loop runs the listener on the event loop thread, where the"
					+ " wait between its attempts (" + channel.property("retry.max-attempts")
					+ ") would hold up every channel;"
					+ " use dispatch auto or worker, which retry on a worker thread");
		}
		if (channel.sendTimeout() == null || channel.sendTimeout().isNegative()) {
			Duration sendTimeout = channel.sendTimeout();
			problems.add(channel.property("send-timeout") + " must not be negative, got "
					+ ((sendTimeout != null) ? Durations.format(sendTimeout) : "nothing")
					+ "; use a duration such as 5s");
		}
		Duration replyTimeout = channel.replyTimeout();
		if (replyTimeout != null && (replyTimeout.isNegative() || replyTimeout.isZero())) {
			problems.add(channel.property("reply-timeout") + " must be positive, got " + Durations.format(replyTimeout)
					+ "; set how long a request to the channel waits for its answer, such as 30s, or leave it out"
					+ " for pipe-io.template.reply-timeout");
		}
		checkRetry(channel, problems);
		DeadLetterChecks.checkSizes(channel, problems);
	}

	/**
	 * Whether a failed listener call is retried after a wait, which must not happen on
	 * the event loop thread.
	 */
	static boolean retryWaits(EffectiveChannel channel) {
		return channel.retryMaxAttempts() > 1 && channel.retryInitialInterval().compareTo(Duration.ZERO) > 0;
	}

	private static void checkRetry(EffectiveChannel channel, Set<String> problems) {
		if (channel.retryMaxAttempts() < 1) {
			problems.add(channel.property("retry.max-attempts") + " must be at least 1, got "
					+ channel.retryMaxAttempts() + "; use 1 for no retry, or 3 for two more calls after a failure");
		}
		if (channel.retryInitialInterval().isNegative()) {
			problems.add(channel.property("retry.initial-interval") + " must not be negative, got "
					+ Durations.format(channel.retryInitialInterval()) + "; use a duration such as 1s");
		}
		if (channel.retryMaxInterval().isNegative()) {
			problems.add(channel.property("retry.max-interval") + " must not be negative, got "
					+ Durations.format(channel.retryMaxInterval()) + "; use a duration such as 10s");
		}
		else if (channel.retryMaxAttempts() > 1 && !channel.retryInitialInterval().isNegative()
				&& channel.retryMaxInterval().compareTo(channel.retryInitialInterval()) < 0) {
			// Every wait would be the maximum, the initial one included: not what was
			// set. (Without retries the intervals are not used, and not judged.)
			problems.add(channel.property("retry.max-interval") + " (" + Durations.format(channel.retryMaxInterval())
					+ ") must not be less than " + channel.property("retry.initial-interval") + " ("
					+ Durations.format(channel.retryInitialInterval()) + "); raise the one or lower the other");
		}
		if (!(channel.retryMultiplier() >= 1)) {
			problems.add(channel.property("retry.multiplier") + " must be at least 1, got " + channel.retryMultiplier()
					+ "; use 1 for equal waits or 2 to double each wait");
		}
	}

	static String overflowProblem(String property, @Nullable String value) {
		return property + " '" + value + "' is not an overflow policy; use block, drop-newest, drop-oldest or fail";
	}

	/**
	 * Parse an overflow policy as configured: {@code drop-newest}, also
	 * {@code DROP_NEWEST}.
	 * @return the policy, or {@code null} if there is no such policy
	 */
	static @Nullable OverflowPolicy overflow(@Nullable String value) {
		if (value != null) {
			for (OverflowPolicy policy : OverflowPolicy.values()) {
				if (policy.value().equalsIgnoreCase(value.trim().replace('_', '-'))) {
					return policy;
				}
			}
		}
		return null;
	}

	/**
	 * Parse a dispatch mode as configured: {@code worker}, also {@code WORKER}.
	 * @return the mode, or {@code null} if there is no such mode
	 */
	static @Nullable DispatchMode dispatch(@Nullable String value) {
		if (value != null) {
			for (DispatchMode mode : DispatchMode.values()) {
				if (mode.value().equalsIgnoreCase(value.trim())) {
					return mode;
				}
			}
		}
		return null;
	}

	/**
	 * Parse an engine as configured: {@code event-loop}, also {@code EVENT_LOOP}.
	 * @return the engine, or {@code null} if there is no such engine
	 */
	static @Nullable PipeEngine engine(@Nullable String value) {
		if (value != null) {
			for (PipeEngine engine : PipeEngine.values()) {
				if (engine.value().equalsIgnoreCase(value.trim().replace('_', '-'))) {
					return engine;
				}
			}
		}
		return null;
	}

	private static void checkPlugin(EffectiveChannel channel, Set<String> problems) {
		PipePluginProperties plugin = channel.plugin();
		if (plugin != null) {
			try {
				plugin.toSettings(channel.pluginProperty());
			}
			catch (IllegalArgumentException ex) {
				// one problem a line: each added on its own
				problems.addAll(List.of(String.valueOf(ex.getMessage()).split(System.lineSeparator())));
			}
		}
	}

	private static void checkCharset(EffectiveChannel channel, Set<String> problems) {
		Charset charset;
		try {
			charset = Charset.forName(channel.charset());
		}
		catch (IllegalArgumentException ex) {
			problems.add(channel.property("charset") + " '" + channel.charset() + "' is not a charset this JVM"
					+ " supports; use a name such as UTF-8 or ISO-8859-1");
			return;
		}
		// Lines end at the byte 0x0A: a charset that writes a newline otherwise (UTF-16,
		// UTF-32, EBCDIC) would split and glue lines.
		if (!Arrays.equals("\n".getBytes(charset), new byte[] { '\n' })) {
			problems.add(channel.property("charset") + " '" + channel.charset() + "' does not write a newline as"
					+ " the single byte 0x0A that ends a line; use an ASCII-compatible charset such as UTF-8 or"
					+ " ISO-8859-1");
		}
	}

	private static void checkDirectoryPermissions(String permissions, Set<String> problems) {
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

	private static void checkPermissions(EffectiveChannel channel, Set<String> problems) {
		String permissions = channel.permissions();
		String property = channel.property("permissions");
		try {
			Set<PosixFilePermission> parsed = PosixFilePermissions.fromString(permissions);
			if (!parsed.contains(PosixFilePermission.OWNER_READ) || !parsed.contains(PosixFilePermission.OWNER_WRITE)) {
				problems.add(property + " '" + permissions + "' must let the owner read and write; use rw------- or"
						+ " rw-rw----");
			}
			if (parsed.contains(PosixFilePermission.OWNER_EXECUTE) || parsed.contains(PosixFilePermission.GROUP_EXECUTE)
					|| parsed.contains(PosixFilePermission.OTHERS_EXECUTE)) {
				problems.add(property + " '" + permissions + "' has execute bits, which mean nothing on a FIFO; use"
						+ " read and write bits only, such as " + permissions.replace('x', '-'));
			}
			boolean othersRead = parsed.contains(PosixFilePermission.OTHERS_READ);
			boolean othersWrite = parsed.contains(PosixFilePermission.OTHERS_WRITE);
			if ((othersRead || othersWrite) && !channel.allowWorldWritable()) {
				// Where the opt-in is off: the channel's own key when it sets one (over
				// the defaults' true), else the key beside the permissions.
				boolean ownOptIn = channel.isOwn("allow-world-writable") || channel.isOwn("permissions");
				String optIn = ownOptIn ? "pipe-io.channels." + channel.name() + ".allow-world-writable"
						: "pipe-io.channel-defaults.allow-world-writable";
				String whose = (ownOptIn && !channel.isOwn("permissions")) ? " (channel '" + channel.name() + "')" : "";
				// Reading a FIFO takes the lines out of it: whoever reads the in pipe
				// gets the clients' lines instead of the channel, whoever reads the out
				// pipe its replies.
				String access = othersRead
						? "read " + (othersWrite ? "and write " : "")
								+ "the channel's pipes (a reader takes the clients' lines or the replies out of them)"
						: "write to the channel's pipes";
				problems.add(property + " '" + permissions + "'" + whose + " lets every user of this machine " + access
						+ "; use rw------- or rw-rw---- (a group), or set " + optIn
						+ "=true if every local process may use the channel");
			}
		}
		catch (IllegalArgumentException ex) {
			problems.add(property + " '" + permissions + "' is not a permission string; use nine characters as in"
					+ " ls -l, such as rw------- or rw-rw----");
		}
	}

}
