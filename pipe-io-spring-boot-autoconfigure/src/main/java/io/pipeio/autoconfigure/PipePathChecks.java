package io.pipeio.autoconfigure;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.pipeio.server.PipeServerSettings;

/**
 * The names and pipe paths of channels, checked with the rest of
 * {@link PipeChannelChecks}: names that make safe file names and that relaxed binding
 * tells apart; each path resolved against the pipe directory, a valid path, and no two
 * pipes on one path. A path in a message has its control characters escaped
 * ({@link #printable}).
 *
 * @author pipe-io
 */
final class PipePathChecks {

	private PipePathChecks() {
	}

	/**
	 * Whether a name may name a channel: ASCII letters, digits, '-' and '_' only, so that
	 * pipe paths made from it stay in the pipe directory ("..", "." and "/" are out) and
	 * it reads the same in a file name, a metric tag, an endpoint's path and an
	 * environment variable.
	 * @param name the name
	 * @return whether it is valid
	 */
	static boolean isValidName(String name) {
		if (name.isEmpty()) {
			return false;
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			boolean valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_';
			if (!valid) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Resolve a pipe path against the directory.
	 * @param configured the path as configured; blank for the fallback
	 * @param fallback the default file name
	 * @param property the property, for a problem
	 * @param problems where to add a problem, if the path is invalid
	 * @return the absolute path
	 */
	static Path resolve(Path directory, String configured, String fallback, String property, Set<String> problems) {
		String value = configured.isBlank() ? fallback : configured;
		try {
			return directory.resolve(value).toAbsolutePath().normalize();
		}
		catch (InvalidPathException ex) {
			problems.add(property + " '" + printable(value) + "' is not a valid path: " + ex.getReason()
					+ "; remove that character from the path");
			return directory.resolve(fallback);
		}
	}

	/**
	 * The pipes of a channel that only a listener declares come from the defaults alone:
	 * their two paths must differ.
	 */
	static void checkDefaultPaths(EffectiveChannel defaults, Path directory, Set<String> problems) {
		String name = defaults.name();
		Path in = resolve(directory, defaults.inPipe(), name + ".in", "pipe-io.channel-defaults.in-pipe", problems);
		Path out = resolve(directory, defaults.outPipe(), name + ".out", "pipe-io.channel-defaults.out-pipe", problems);
		if (in.equals(out)) {
			problems.add("pipe-io.channel-defaults.in-pipe and pipe-io.channel-defaults.out-pipe both resolve to "
					+ in.getFileName() + " for every channel that takes them; every pipe needs its own path, change"
					+ " one of them");
		}
	}

	/**
	 * @return the value with each control character, such as a NUL, written as a Java
	 * Unicode escape (a backslash, {@code u} and four hex digits), so that a message
	 * shows where it is rather than carry it into a log
	 */
	static String printable(String value) {
		StringBuilder printable = new StringBuilder(value.length());
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (Character.isISOControl(c)) {
				printable.append(String.format("\\u%04x", (int) c));
			}
			else {
				printable.append(c);
			}
		}
		return printable.toString();
	}

	static void checkPath(Map<Path, String> owners, EffectiveChannel channel, String key, String configured,
			String fallback, Path directory, Set<String> problems) {
		// A channel's own path is the fix whatever the origin, so name it; say where a
		// default came from.
		String property = "pipe-io.channels." + channel.name() + "." + key
				+ (channel.isOwn(key) ? "" : " (from " + channel.property(key) + ")");
		Path path = resolve(directory, configured, fallback, property, problems);
		if (PipeServerSettings.isLockFile(path)) {
			problems.add(property + " resolves to " + path + ", the name of the lock file pipe-io keeps beside"
					+ " the pipes; give the pipe another name");
		}
		String other = owners.putIfAbsent(path, property);
		if (other != null) {
			problems.add(property + " and " + other + " both resolve to " + path
					+ "; every pipe needs its own path, change one of them");
		}
	}

	/**
	 * Channel names that differ only in case, dashes or underscores are one name to
	 * relaxed binding: an environment variable such as
	 * {@code PIPEIO_CHANNELS_MYCHANNEL_PERMISSIONS} sets both, or declares a third.
	 */
	static void checkRelaxedNames(Set<String> names, Set<String> problems) {
		Map<String, List<String>> byRelaxedName = new LinkedHashMap<>();
		for (String name : names) {
			byRelaxedName.computeIfAbsent(relaxed(name), (key) -> new ArrayList<>()).add(name);
		}
		byRelaxedName.forEach((relaxed, same) -> {
			if (same.size() > 1) {
				problems.add("pipe-io.channels: "
						+ String.join(", ", same.stream().map((name) -> "'" + name + "'").toList())
						+ " differ only in case, '-' or '_', which relaxed binding and environment variables do not"
						+ " tell apart; give them names that differ otherwise, or make them one channel"
						+ environmentHint(relaxed, same));
			}
		});
	}

	private static String relaxed(String name) {
		return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
	}

	/**
	 * An environment variable in Spring Boot's canonical form names a channel in lower
	 * case without dashes: where that name meets a dashed one, the variable was most
	 * likely meant to set a key of the dashed channel, which the form that keeps the dash
	 * as an underscore does without declaring another.
	 */
	private static String environmentHint(String relaxed, List<String> same) {
		String dashed = same.stream().filter((name) -> name.contains("-")).findFirst().orElse(null);
		if (dashed == null || !same.contains(relaxed)) {
			return "";
		}
		String upper = relaxed.toUpperCase(Locale.ROOT);
		return ". If '" + relaxed + "' comes from an environment variable PIPEIO_CHANNELS_" + upper
				+ "_<KEY> meant to set a key of '" + dashed + "', name it PIPE_IO_CHANNELS_"
				+ dashed.toUpperCase(Locale.ROOT).replace('-', '_') + "_<KEY> instead: the form without the dash"
				+ " declares a channel of its own";
	}

}
