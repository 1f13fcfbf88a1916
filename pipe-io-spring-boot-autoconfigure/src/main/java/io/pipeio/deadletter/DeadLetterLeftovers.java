package io.pipeio.deadletter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Puts back what a rotation cut short (a crash, a kill) left under the temporary name of
 * its new file, {@code <file>.rotating-<random>} or, for a long name, the shorter one
 * {@link DeadLetterNames} gives: a new empty file not yet swapped in is deleted, and a
 * full file already swapped out goes into the history as its newest file (or is deleted
 * if no history is kept, as the rotation would have done). Only files this user created
 * are touched ({@link OwnNames}): in a directory others may write to, another user may
 * create such names, and they are left alone. Nothing here fails the open: a leftover
 * that cannot be put back stays where it is, its records kept, and is logged.
 *
 * @author pipe-io
 */
final class DeadLetterLeftovers {

	private static final Log logger = LogFactory.getLog(DeadLetterFile.class);

	private DeadLetterLeftovers() {
	}

	/**
	 * Put back the leftovers of a file.
	 * @param settings the dead-letter file's
	 * @param history puts a full file into the history, or deletes it if none is kept
	 */
	static void recover(DeadLetterSettings settings, History history) {
		Path file = settings.file();
		String put = (settings.maxHistory() > 0) ? "they were put into the history"
				: "they were deleted, as no history is kept";
		for (Path leftover : leftovers(file)) {
			try {
				if (!OwnNames.isOwn(leftover)) {
					continue;
				}
				if (Files.size(leftover) == 0) {
					Files.delete(leftover);
				}
				else {
					history.add(leftover);
					logger.warn("Dead-letter file " + file + ": a rotation cut short earlier (the application"
							+ " stopped while rotating) had left records in " + leftover + "; " + put);
				}
			}
			catch (IOException ex) {
				logger.warn("Dead-letter file " + file + ": a rotation cut short earlier (the application stopped"
						+ " while rotating) left " + leftover + ", which could not be put back into the history ("
						+ ex.getMessage() + "); its records are kept there");
			}
		}
	}

	/**
	 * @return the names of a file's leftovers, the oldest first, so that the newest ends
	 * up first in the history
	 */
	private static List<Path> leftovers(Path file) {
		Path absolute = file.toAbsolutePath();
		String prefix = DeadLetterNames.temporaryPrefix(absolute);
		Map<Path, FileTime> found = new HashMap<>();
		try (Stream<Path> names = Files.list(absolute.getParent())) {
			for (Path name : (Iterable<Path>) names::iterator) {
				if (DeadLetterNames.isTemporaryName(name.getFileName().toString(), prefix)) {
					try {
						found.put(name, Files.getLastModifiedTime(name, LinkOption.NOFOLLOW_LINKS));
					}
					catch (IOException ex) {
						// gone since it was listed
					}
				}
			}
		}
		catch (IOException ex) {
			// A leftover is rare (a stop during a rotation): one that cannot be listed
			// now is looked for at the next start.
			logger.debug("Cannot look for what a rotation of " + file + " may have left", ex);
		}
		List<Path> sorted = new ArrayList<>(found.keySet());
		sorted.sort(Comparator.comparing(found::get));
		return sorted;
	}

	/** Where a full leftover goes. */
	interface History {

		void add(Path full) throws IOException;

	}

}
