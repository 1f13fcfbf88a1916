package io.pipeio.autoconfigure;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import io.pipeio.deadletter.DeadLetterSettings;
import org.jspecify.annotations.Nullable;

/**
 * The dead-letter settings of channels, checked with the rest of
 * {@link PipeChannelChecks}: sizes in range, a file path the file system can take whose
 * name leaves room for its rotated files, and one rotation for channels that share a
 * file.
 *
 * @author pipe-io
 */
final class DeadLetterChecks {

	private DeadLetterChecks() {
	}

	/**
	 * The sizes of the file and of its history, checked for the defaults alone too.
	 */
	static void checkSizes(EffectiveChannel channel, Set<String> problems) {
		if (channel.deadLetterMaxFileSize().toBytes() < 1) {
			problems.add(channel.property("dead-letter.max-file-size") + " must be at least 1B, got "
					+ channel.deadLetterMaxFileSize() + "; use a size such as 10MB");
		}
		if (channel.deadLetterMaxHistory() < 0) {
			problems.add(channel.property("dead-letter.max-history") + " must not be negative, got "
					+ channel.deadLetterMaxHistory() + "; use 0 to keep no rotated file");
		}
	}

	/**
	 * The file of a configured channel: its path ({@link #fileProblem}), and, as channels
	 * that share a file share its rotation, the same sizes as the channels before it that
	 * have the file.
	 * @param fileOwners the first channel checked with each file, added to
	 */
	static void checkFile(Map<Path, EffectiveChannel> fileOwners, EffectiveChannel channel, Set<String> problems) {
		String problem = fileProblem(channel);
		if (problem != null) {
			problems.add(problem);
		}
		Path file = path(channel);
		if (file == null) {
			return;
		}
		EffectiveChannel first = fileOwners.putIfAbsent(file, channel);
		if (first != null && (first.deadLetterMaxHistory() != channel.deadLetterMaxHistory()
				|| !first.deadLetterMaxFileSize().equals(channel.deadLetterMaxFileSize()))) {
			problems.add(channel.property("dead-letter.file") + " is also the dead-letter file of channel '"
					+ first.name() + "' with another max-file-size or max-history; give both the same sizes, or"
					+ " each its own file");
		}
	}

	/**
	 * A dead-letter file on a pipe's path would be created by one channel's start and
	 * then refuse the other's (or be refused as not a regular file): said at binding,
	 * naming both properties.
	 * @param fileOwners the first channel with each dead-letter file
	 * @param pipeOwners the property of each pipe path
	 */
	static void checkNotAPipe(Map<Path, EffectiveChannel> fileOwners, Map<Path, String> pipeOwners,
			Set<String> problems) {
		fileOwners.forEach((file, channel) -> {
			String pipe = pipeOwners.get(file);
			if (pipe != null) {
				problems.add(channel.property("dead-letter.file") + " and " + pipe + " both resolve to " + file
						+ "; a dead-letter file cannot be a pipe, change one of them");
			}
		});
	}

	/**
	 * A dead-letter file must be a path the file system can take (no NUL), and its name
	 * must leave room for the names of its rotated files, {@code <file>.1} to
	 * {@code <file>.<max-history>}, within the 255 bytes of a file name: rotation would
	 * otherwise fail at the first full file, and every dead letter after it with it.
	 * Checked for each channel with its own name, which {@code {channel}} in the file of
	 * {@code channel-defaults} stands for.
	 * @return the problem, naming the properties and the fix, or {@code null} if the file
	 * is fine or the channel has none
	 */
	static @Nullable String fileProblem(EffectiveChannel channel) {
		String file = channel.deadLetterFile();
		if (file == null || file.isBlank()) {
			return null;
		}
		Path path;
		try {
			path = Path.of(file).toAbsolutePath().normalize();
		}
		catch (InvalidPathException ex) {
			String property = channel.property("dead-letter.file");
			String given = "'" + PipePathChecks.printable(file) + "'";
			String what = channel.isOwn("dead-letter.file") ? property + " " + given
					: property + " gives channel '" + channel.name() + "' the dead-letter file " + given + ", which";
			return what + " is not a path the file system can take (" + ex.getReason()
					+ "); remove that character from the path";
		}
		int history = Math.max(channel.deadLetterMaxHistory(), 0);
		int bytes = DeadLetterSettings.nameBytes(path);
		int max = DeadLetterSettings.maxNameBytes(history);
		if (bytes <= max) {
			return null;
		}
		String limit = "a file name may have at most " + DeadLetterSettings.maxNameBytes(0) + " bytes";
		String why = (history > 0)
				? "its rotated files are named after it with .1 to ." + history + " appended, and " + limit : limit;
		// Without a history, the name may have all 255 bytes.
		String shorter = (history > 0 && bytes <= DeadLetterSettings.maxNameBytes(0))
				? ", or set " + channel.property("dead-letter.max-history") + " to 0 to keep no rotated file" : "";
		return channel.property("dead-letter.file") + " gives channel '" + channel.name() + "' the dead-letter file "
				+ path + ", whose name has " + bytes + " bytes, more than the " + max + " it may have: " + why
				+ "; shorten the file name to at most " + max + " bytes" + shorter;
	}

	/**
	 * @return the channel's dead-letter file, absolute, or {@code null} if it has none or
	 * its path is one the file system cannot take ({@link #fileProblem} says so)
	 */
	private static @Nullable Path path(EffectiveChannel channel) {
		String file = channel.deadLetterFile();
		if (file == null || file.isBlank()) {
			return null;
		}
		try {
			return Path.of(file).toAbsolutePath().normalize();
		}
		catch (InvalidPathException ex) {
			return null;
		}
	}

}
