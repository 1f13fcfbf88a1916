package io.pipeio.deadletter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Tells the names of a dead-letter directory that hold files this user created, the only
 * ones rotation renames or deletes: regular files of this user with a single name. In a
 * sticky directory another user can neither create a file of this user nor rename or
 * delete one, and a second name (a hard link) they give one is seen in its link count.
 *
 * @author pipe-io
 */
final class OwnNames {

	private static final int TYPE_MASK = 0170000;

	private static final int REGULAR_FILE = 0100000;

	private OwnNames() {
	}

	/**
	 * @return whether a file this user created is at the path
	 */
	static boolean isOwn(Path path) throws IOException {
		return Files.exists(path, LinkOption.NOFOLLOW_LINKS) && takenBy(path) == null;
	}

	/**
	 * Tell what holds a name if it is not free and not a file this user created (a
	 * regular file of this user with a single name), without following links.
	 * @return what holds it, for messages, or {@code null} if it is free or this user's
	 */
	static @Nullable String takenBy(Path path) throws IOException {
		Map<String, Object> attributes;
		try {
			attributes = Files.readAttributes(path, "unix:mode,uid,nlink", LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		int uid = intAttribute(attributes, "uid");
		int links = intAttribute(attributes, "nlink");
		if ((intAttribute(attributes, "mode") & TYPE_MASK) != REGULAR_FILE) {
			return "not a regular file (a link, FIFO or directory)";
		}
		if (uid != Owner.CURRENT_UID) {
			return "owned by uid " + uid + ", not by this user (uid " + Owner.CURRENT_UID + ")";
		}
		if (links != 1) {
			return "a file of this user with " + links + " names (hard links)";
		}
		return null;
	}

	private static int intAttribute(Map<String, Object> attributes, String name) {
		if (attributes.get(name) instanceof Integer value) {
			return value;
		}
		throw new IllegalStateException("The file system did not report the attribute unix:" + name);
	}

	/** The uid of this process, read once. */
	private static final class Owner {

		static final int CURRENT_UID = readUid();

		private static int readUid() {
			try {
				return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot read the uid of this process from /proc/self", ex);
			}
		}

	}

}
