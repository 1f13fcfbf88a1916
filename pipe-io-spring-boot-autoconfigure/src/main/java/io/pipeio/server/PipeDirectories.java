package io.pipeio.server;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Checks and creates the directories that hold pipes, in the spirit of OpenSSH's
 * StrictModes: a directory that another user can write to (without the sticky bit), that
 * belongs to another user, or that is reached through a symbolic link another user can
 * change lets that user swap the FIFOs for their own and read requests or forge replies.
 * Such a directory is refused before anything in it is touched.
 * <p>
 * The directory and each ancestor up to {@code /} is inspected without following links. A
 * symbolic link on the way is accepted only when this user or root owns it (its parent,
 * checked before it, keeps others from replacing it), and the directories it leads to are
 * checked as well. Root may own ancestors, never the pipe directory itself unless this
 * process runs as root.
 *
 * @author pipe-io
 */
final class PipeDirectories {

	private static final int TYPE_MASK = 0170000;

	private static final int GROUP_OR_OTHER_WRITE = 0022;

	private static final int STICKY = 01000;

	private PipeDirectories() {
	}

	/**
	 * Make sure a directory that will hold pipes exists and is safe: check what exists,
	 * create the missing directories with exactly the given permissions, then check the
	 * whole path again.
	 * @param channel the channel name, for messages
	 * @param directory the directory, absolute and normalised
	 * @param permissions the permissions of directories created here
	 * @param create whether missing directories may be created
	 * @throws UnsafeDirectoryException if the directory or an ancestor is unsafe
	 * @throws IOException if a directory cannot be inspected or created
	 */
	static void prepare(String channel, Path directory, Set<PosixFilePermission> permissions, boolean create)
			throws IOException {
		check(channel, directory);
		if (create && !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
			createMissing(directory, permissions);
			check(channel, directory);
		}
	}

	/**
	 * Check a directory and its ancestors; missing parts are fine (they are created
	 * later).
	 * @param channel the channel name, for messages
	 * @param directory the directory, absolute and normalised
	 * @throws UnsafeDirectoryException if the directory or an ancestor is unsafe
	 * @throws IOException if a directory cannot be inspected
	 */
	static void check(String channel, Path directory) throws IOException {
		int uid = PipeFiles.currentUid();
		if (uid < 0) {
			return; // not a system with /proc: nothing to compare owners with
		}
		boolean linked = checkChain(channel, directory, directory, uid);
		if (linked) {
			Path existing = deepestExisting(directory);
			if (existing != null) {
				Path real = existing.toRealPath();
				checkChain(channel, directory,
						directory.equals(existing) ? real : real.resolve(existing.relativize(directory)), uid);
			}
		}
	}

	/**
	 * Inspect each prefix of a path from the root.
	 * @return whether a symbolic link was passed on the way
	 */
	private static boolean checkChain(String channel, Path directory, Path path, int uid) throws IOException {
		boolean linked = false;
		Path current = path.getRoot();
		int count = path.getNameCount();
		for (int i = -1; i < count; i++) {
			if (i >= 0) {
				current = current.resolve(path.getName(i));
			}
			Map<String, Object> attributes;
			try {
				attributes = Files.readAttributes(current, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
			}
			catch (NoSuchFileException ex) {
				return linked; // created later, inside a directory that passed
			}
			int mode = PipeFile.intAttribute(attributes, "mode");
			int owner = PipeFile.intAttribute(attributes, "uid");
			boolean last = i == count - 1;
			FileKind kind = FileKind.ofMode(mode & TYPE_MASK);
			if (kind == FileKind.SYMBOLIC_LINK) {
				if (owner != uid && owner != 0) {
					throw unsafe(channel, directory, current,
							"is a symbolic link owned by user id " + owner + ", who could point it elsewhere",
							"replace it with a directory or a link owned by this user");
				}
				linked = true;
				continue;
			}
			if (kind != FileKind.DIRECTORY) {
				throw unsafe(channel, directory, current, "is " + kind.description() + ", not a directory",
						"configure a directory");
			}
			if (owner != uid && !(owner == 0 && !last)) {
				throw unsafe(channel, directory, current,
						"belongs to user id " + owner + ", not to this process's user (" + uid
								+ "), who could replace the pipes in it",
						last ? "use a directory this user owns"
								: "use a directory whose ancestors belong to this user or root");
			}
			if ((mode & GROUP_OR_OTHER_WRITE) != 0 && (mode & STICKY) == 0) {
				throw unsafe(channel, directory, current,
						"can be written by " + (((mode & 0002) != 0) ? "every user" : "its group") + " (mode "
								+ PosixFilePermissions.toString(permissionsOf(mode))
								+ ") and has no sticky bit, so another user could replace the pipes in it",
						"chmod go-w " + current + " (or chmod +t to set the sticky bit)");
			}
		}
		return linked;
	}

	private static @Nullable Path deepestExisting(Path directory) {
		for (Path candidate = directory; candidate != null; candidate = candidate.getParent()) {
			if (Files.exists(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	private static void createMissing(Path directory, Set<PosixFilePermission> permissions) throws IOException {
		Path parent = directory.getParent();
		if (parent != null && !Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
			createMissing(parent, permissions);
		}
		try {
			Files.createDirectory(directory);
		}
		catch (FileAlreadyExistsException ex) {
			// created meanwhile by another channel; the check afterwards judges it
			return;
		}
		// Created just now by this user inside a checked parent: nobody else can have
		// swapped it.
		Files.setPosixFilePermissions(directory, permissions);
	}

	private static UnsafeDirectoryException unsafe(String channel, Path directory, Path offending, String problem,
			String fix) {
		String what = offending.equals(directory) ? "the directory" : "its ancestor " + offending;
		return new UnsafeDirectoryException(directory, "Cannot keep the pipes of channel '" + channel + "' in "
				+ directory + ": " + what + " " + problem + ".", fix);
	}

	private static Set<PosixFilePermission> permissionsOf(int mode) {
		StringBuilder text = new StringBuilder(9);
		String letters = "rwxrwxrwx";
		for (int bit = 0; bit < 9; bit++) {
			text.append(((mode & (0400 >> bit)) != 0) ? letters.charAt(bit) : '-');
		}
		return PosixFilePermissions.fromString(text.toString());
	}

}
