package io.pipeio.server;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Creates the missing directories of a path that {@link PipeDirectories} checked, one
 * level at a time and only inside a parent that exists and passed the check: opened as a
 * descriptor, the parent is the very directory that was judged, and the new directory is
 * made in it by name ({@code mkdirat}) and given its mode through a descriptor of its own
 * ({@code fchmod}). Nothing is created or changed by path, so a name that another user
 * adds or swaps meanwhile (a missing link target they create, a directory renamed away
 * and replaced by a hard link) is never created through nor changed.
 * <p>
 * Why a parent that passed stays the one that was judged: every part of its path belongs
 * to this user (or root, for an ancestor), and none can be written by others unless
 * sticky, so only this user or root can change it. A missing part has no such guarantee,
 * which is why a link whose target is missing is never created through: whoever may add
 * names where it points can create the target first.
 *
 * @author pipe-io
 */
final class MissingDirectories {

	private MissingDirectories() {
	}

	/**
	 * Create the missing directories of a path, each with exactly the given permissions.
	 * A directory that appears meanwhile is left as it is, for the caller's check to
	 * judge.
	 * @param what what the directory holds, for messages
	 * @param directory the directory, absolute and normalised
	 * @param permissions the permissions of directories created here
	 * @param uid this process's user id, or a negative number where it is not known
	 * @throws UnsafeDirectoryException if an ancestor is unsafe, or reached through a
	 * symbolic link whose target is missing; nothing was created there
	 * @throws IOException if a directory cannot be created
	 */
	static void create(String what, Path directory, Set<PosixFilePermission> permissions, int uid) throws IOException {
		if (uid < 0) {
			// No /proc, so no checks either (see PipeDirectories): nothing to keep.
			createByPath(directory, permissions);
			return;
		}
		create(what, directory, directory, Posix.modeBits(permissions), uid);
	}

	private static void create(String what, Path target, Path directory, int mode, int uid) throws IOException {
		Path parent = directory.getParent();
		Path name = directory.getFileName();
		if (parent == null || name == null) {
			return; // the root
		}
		Path missing = DirectoryChain.checkAncestor(what, target, parent, uid);
		if (missing != null) {
			if (Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
				throw missingOnTheWay(what, target, parent, missing);
			}
			create(what, target, parent, mode, uid);
			missing = DirectoryChain.checkAncestor(what, target, parent, uid);
			if (missing != null) {
				// put there meanwhile: a link to where nothing is yet
				throw missingOnTheWay(what, target, parent, missing);
			}
		}
		// Opened after its whole path passed, so it is the directory that was judged.
		int parentFd;
		try {
			parentFd = Posix.open(parent.toString(), Posix.O_PATH | Posix.O_DIRECTORY);
		}
		catch (IOException ex) {
			throw asTheJdkSaysIt(ex, parent);
		}
		try {
			createIn(parentFd, name.toString(), mode, uid, directory);
		}
		finally {
			Posix.close(parentFd);
		}
	}

	/**
	 * Create a directory by name inside an open directory, then set its mode exactly
	 * (whatever the umask) on a descriptor of the new directory.
	 * @param parentFd the open directory
	 * @param name the new directory's name
	 * @param mode its mode bits
	 * @param uid this process's user id
	 * @param directory the new directory's path, for messages
	 * @return whether it was created ({@code false}: something was there already, left as
	 * it is)
	 * @throws IOException if it cannot be created
	 */
	static boolean createIn(int parentFd, String name, int mode, int uid, Path directory) throws IOException {
		try {
			// Created with the mode (less the umask) rather than opened up afterwards:
			// with a umask such as 002 the group could otherwise put files in it first.
			Posix.mkdirAt(parentFd, name, mode);
		}
		catch (IOException ex) {
			if (Posix.errno(ex) == Posix.EEXIST) {
				return false;
			}
			throw asTheJdkSaysIt(ex, directory);
		}
		// Only this user or root can change the parent, so the name is still the new
		// directory; opened as a directory, and without following a link, all the same.
		int fd = Posix.openAt(parentFd, name, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK);
		try {
			Map<String, Object> attributes = Files.readAttributes(Path.of("/proc/self/fd/" + fd), "unix:uid");
			int owner = PipeFile.intAttribute(attributes, "uid");
			if (owner != uid) {
				throw new PipeFileException(directory, "The directory just created at " + directory
						+ " was replaced by one of user id " + owner + " before its mode was set; it was left alone.");
			}
			Posix.fchmod(fd, mode);
		}
		finally {
			Posix.close(fd);
		}
		return true;
	}

	/**
	 * Turn a failed call into the exception {@link Files#createDirectory} throws for the
	 * same error, so that it is explained the same way (see the failure analysis of a
	 * channel's start).
	 */
	private static IOException asTheJdkSaysIt(IOException ex, Path path) {
		String file = path.toString();
		FileSystemException translated = switch (Posix.errno(ex)) {
			case Posix.EPERM, Posix.EACCES -> new AccessDeniedException(file);
			case Posix.ENOENT -> new NoSuchFileException(file);
			case Posix.ENOTDIR -> new NotDirectoryException(file);
			case Posix.EROFS -> new FileSystemException(file, null, "Read-only file system");
			case Posix.ENOSPC -> new FileSystemException(file, null, "No space left on device");
			default -> new FileSystemException(file, null, ex.getMessage());
		};
		translated.initCause(ex);
		return translated;
	}

	/**
	 * @param what what the directory holds
	 * @param target the directory
	 * @param reached the part of its path that exists by name but leads through a link
	 * @param missing where the walk found nothing
	 * @return the refusal to create through the link
	 */
	static UnsafeDirectoryException missingOnTheWay(String what, Path target, Path reached, Path missing) {
		return new UnsafeDirectoryException(target, "Cannot keep " + what + " in " + target + ": " + missing
				+ ", where " + reached
				+ " leads through a symbolic link, does not exist, and pipe-io creates a directory only inside one that exists, never through a"
				+ " symbolic link whose target is missing (whoever may add names where it points could create the"
				+ " target first).", "create " + missing + " (mkdir -m 700), or configure a path without the link");
	}

	/** Where no checks are made: create by path, as the JDK does. */
	private static void createByPath(Path directory, Set<PosixFilePermission> permissions) throws IOException {
		Path parent = directory.getParent();
		if (parent != null && !Files.isDirectory(parent)) {
			createByPath(parent, permissions);
		}
		try {
			Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(permissions));
		}
		catch (FileAlreadyExistsException ex) {
			return;
		}
		Files.getFileAttributeView(directory, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
			.setPermissions(permissions);
	}

}
