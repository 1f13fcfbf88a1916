package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The lock files this JVM holds, one per pipe directory however many channels use it: a
 * channel takes its directory's lock when it starts and gives it back when it stops, and
 * the file is unlocked when the last channel there has stopped. Sharing is required, not
 * only cheaper: an {@code fcntl} lock belongs to the process, and opening the file a
 * second time and closing it would drop it.
 *
 * @author pipe-io
 */
final class DirectoryLocks {

	private static final Log logger = LogFactory.getLog(DirectoryLocks.class);

	/**
	 * By directory, symbolic links resolved so that two spellings of one directory share
	 * it.
	 */
	private static final Map<Path, Held> held = new HashMap<>();

	/** Directories whose deleted lock file could not be locked again: said once. */
	private static final Set<Path> unlocked = new HashSet<>();

	private DirectoryLocks() {
	}

	/**
	 * Take the lock of a directory for one more channel, locking its file if no channel
	 * here holds it yet.
	 * @param directory an existing directory, symbolic links resolved
	 * @param channel the channel being started, for messages
	 * @return the directory as this class holds it, equal to the one given: one instance
	 * for every channel there rather than one each
	 * @throws PipeInUseException if another process holds it
	 * @throws IOException if the lock file cannot be used
	 */
	static synchronized Path acquire(Path directory, String channel) throws IOException {
		Held current = held.get(directory);
		if (current == null) {
			current = new Held(directory, LockFile.lock(directory, LockFile.startFailure(channel, directory)));
			held.put(directory, current);
		}
		current.users++;
		return current.directory;
	}

	/**
	 * Lock the directory's file again if it was deleted while this JVM holds it, as when
	 * the whole directory was deleted and is being made again for the pipes: otherwise
	 * another server could lock a new file there and serve the same pipes. Does nothing
	 * for a directory this JVM does not hold.
	 * @param directory an existing directory, symbolic links resolved
	 * @param channel the channel whose pipes are made there, for messages
	 * @throws PipeInUseException if another process locked a new file there meanwhile
	 * @throws IOException if the lock file cannot be used
	 */
	static synchronized void lockAgainIfDeleted(Path directory, String channel) throws IOException {
		// Not "Cannot start": the channel may have run for long, its directory made again
		// by the watchdog.
		lockAgain(directory, "Channel '" + channel + "' cannot lock its pipe directory " + directory
				+ " again, whose lock file was deleted: ");
	}

	/** Called under the class's lock, as its callers are synchronized. */
	private static void lockAgain(Path directory, String failure) throws IOException {
		Held current = held.get(directory);
		if (current == null || current.file.isStillThere()) {
			return;
		}
		LockFile lost = current.file;
		current.file = LockFile.lock(directory, failure);
		// the deleted file's descriptor: closing it unlocks only that file
		lost.release();
	}

	/**
	 * Lock again every directory this JVM holds whose lock file was deleted while its
	 * pipes stay, as a cleaner of old files in {@code /tmp} may do with a file nothing
	 * writes to: until then another server could lock a new file there and serve the same
	 * pipes. Run by the watchdog; a directory another process locked meanwhile is a
	 * warning, once.
	 */
	static synchronized void lockAgainWhereDeleted() {
		for (Held current : held.values()) {
			if (!Files.isDirectory(current.directory, LinkOption.NOFOLLOW_LINKS)) {
				continue; // deleted whole: locked again as its pipes are made there again
			}
			try {
				// the warning below says what was being done
				lockAgain(current.directory, "");
				if (unlocked.remove(current.directory)) {
					logger.info("Pipe directory " + current.directory + " is locked again by this process");
				}
			}
			catch (IOException ex) {
				if (unlocked.add(current.directory)) {
					logger.warn("The lock file of pipe directory " + current.directory
							+ " was deleted and cannot be locked again; another server may serve its pipes: "
							+ ex.getMessage());
				}
			}
		}
	}

	/**
	 * Give back the lock of a directory for one channel; the last one unlocks the file
	 * (and removes it if this JVM created it).
	 * @param directory the directory as acquired
	 */
	static synchronized void release(Path directory) {
		Held current = held.get(directory);
		if (current != null && --current.users == 0) {
			held.remove(directory);
			unlocked.remove(directory);
			current.file.release();
		}
	}

	/**
	 * @return whether this JVM holds the lock of the directory, for tests
	 */
	static synchronized boolean isHeld(Path directory) {
		return held.containsKey(directory);
	}

	/**
	 * A locked file and how many running channels use it.
	 */
	private static final class Held {

		final Path directory;

		LockFile file;

		int users;

		Held(Path directory, LockFile file) {
			this.directory = directory;
			this.file = file;
		}

	}

}
