package io.pipeio.server;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The inspection behind {@link PipeDirectories}: a directory's path walked from the root,
 * each directory and symbolic link on the way judged without following it.
 *
 * @author pipe-io
 */
final class DirectoryChain {

	private static final int TYPE_MASK = 0170000;

	/** The mode bits that let a directory's group or others add, remove or rename. */
	static final int GROUP_OR_OTHER_WRITE = 0022;

	private static final int STICKY = 01000;

	/** Links followed in one walk before giving up, as Linux does (ELOOP). */
	private static final int MAX_LINKS = 40;

	private DirectoryChain() {
	}

	/**
	 * Walk a path from the root as the kernel resolves it, one name at a time, inspecting
	 * each directory and each symbolic link on the way without following it; a link's
	 * target is walked in turn from the link's directory, so that a link inside a link's
	 * target is judged too, not only the real path at the end.
	 * @param what what the directory holds, for messages
	 * @param directory the directory, absolute and normalised
	 * @param uid this process's user id
	 * @return whether the whole path exists ({@code false}: a part is created later,
	 * inside a directory that passed)
	 * @throws UnsafeDirectoryException if the directory or an ancestor is unsafe
	 * @throws IOException if a part cannot be inspected
	 */
	static boolean check(String what, Path directory, int uid) throws IOException {
		return missingPart(what, directory, uid) == null;
	}

	/**
	 * Check a directory as {@link #check} does.
	 * @param what what the directory holds, for messages
	 * @param directory the directory, absolute and normalised
	 * @param uid this process's user id
	 * @return the first part found missing, as the walk resolved it (where a link on the
	 * way leads), or {@code null} when all of it exists
	 * @throws UnsafeDirectoryException if the directory or an ancestor is unsafe
	 * @throws IOException if a part cannot be inspected
	 */
	static @Nullable Path missingPart(String what, Path directory, int uid) throws IOException {
		return walk(what, directory, directory, uid, true);
	}

	/**
	 * Walk an ancestor of a directory as {@link #check} walks the directory, judging
	 * every part of it as an ancestor (which root may own).
	 * @param what what the directory holds, for messages
	 * @param directory the directory the messages name, absolute and normalised
	 * @param ancestor the ancestor to walk
	 * @param uid this process's user id
	 * @return the first part found missing, as the walk resolved it (where a link on the
	 * way leads), or {@code null} when all of it exists
	 * @throws UnsafeDirectoryException if a part is unsafe
	 * @throws IOException if a part cannot be inspected
	 */
	static @Nullable Path checkAncestor(String what, Path directory, Path ancestor, int uid) throws IOException {
		return walk(what, directory, ancestor, uid, false);
	}

	private static @Nullable Path walk(String what, Path directory, Path walked, int uid, boolean walksDirectory)
			throws IOException {
		// The walk's position is always a real directory (every link met is replaced by
		// its target), so ".." goes to its physical parent.
		Path current = walked.getRoot();
		checkDirectory(what, directory, current, uid, false);
		Deque<String> names = new ArrayDeque<>();
		push(names, walked);
		int links = 0;
		boolean judgedLast = false;
		while (!names.isEmpty()) {
			String name = names.pop();
			if (name.equals("..")) {
				Path parent = current.getParent();
				current = (parent != null) ? parent : current;
				judgedLast = false;
				continue;
			}
			Path next = current.resolve(name);
			Map<String, Object> attributes;
			try {
				attributes = Files.readAttributes(next, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
			}
			catch (NoSuchFileException ex) {
				return next;
			}
			int mode = PipeFile.intAttribute(attributes, "mode");
			int owner = PipeFile.intAttribute(attributes, "uid");
			if (FileKind.ofMode(mode & TYPE_MASK) == FileKind.SYMBOLIC_LINK) {
				if (owner != uid && owner != 0) {
					throw unsafe(what, directory, next, next.equals(directory),
							"is a symbolic link owned by user id " + owner + ", who could point it elsewhere",
							"replace it with a directory or a link owned by this user");
				}
				if (++links > MAX_LINKS) {
					throw new FileSystemException(directory.toString(), null,
							"Too many levels of symbolic links (more than " + MAX_LINKS + ")");
				}
				Path target = Files.readSymbolicLink(next);
				if (target.isAbsolute()) {
					current = target.getRoot();
				}
				push(names, target);
				continue;
			}
			boolean last = walksDirectory && names.isEmpty();
			checkDirectory(what, directory, next, uid, mode, owner, last);
			current = next;
			judgedLast = last;
		}
		if (walksDirectory && !judgedLast) {
			// reached by "..", or the root itself: judged as an ancestor so far, and the
			// pipe directory must be this user's
			checkDirectory(what, directory, current, uid, true);
		}
		return null;
	}

	/** Put a path's names in front of those still to walk, "." left out. */
	private static void push(Deque<String> names, Path path) {
		for (int i = path.getNameCount() - 1; i >= 0; i--) {
			String name = path.getName(i).toString();
			if (!name.equals(".") && !name.isEmpty()) {
				names.push(name);
			}
		}
	}

	private static void checkDirectory(String what, Path directory, Path current, int uid, boolean last)
			throws IOException {
		Map<String, Object> attributes = Files.readAttributes(current, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
		checkDirectory(what, directory, current, uid, PipeFile.intAttribute(attributes, "mode"),
				PipeFile.intAttribute(attributes, "uid"), last);
	}

	/**
	 * Judge one directory of the walk: the pipe directory itself ({@code last}) or an
	 * ancestor, which root may own too.
	 */
	private static void checkDirectory(String what, Path directory, Path current, int uid, int mode, int owner,
			boolean last) throws UnsafeDirectoryException {
		FileKind kind = FileKind.ofMode(mode & TYPE_MASK);
		if (kind != FileKind.DIRECTORY) {
			throw unsafe(what, directory, current, last, "is " + kind.description() + ", not a directory",
					"configure a directory");
		}
		if (owner != uid && !(owner == 0 && !last)) {
			throw unsafe(what, directory, current, last,
					"belongs to user id " + owner + ", not to this process's user (" + uid
							+ "), who could replace the files in it",
					last ? "use a directory this user owns"
							: "use a directory whose ancestors belong to this user or root");
		}
		if ((mode & GROUP_OR_OTHER_WRITE) != 0 && (mode & STICKY) == 0) {
			throw unsafe(what, directory, current, last,
					"can be written by " + writers(mode) + " (mode "
							+ PosixFilePermissions.toString(permissionsOf(mode))
							+ ") and has no sticky bit, so another user could replace the files in it",
					// The sticky bit keeps others from renaming or removing ours,
					// not from adding names: in the pipe directory itself they could
					// still take the pipes' or the lock file's name first.
					last ? "chmod go-w " + current
							: "chmod go-w " + current + " (or chmod +t " + current + " to set the sticky bit)");
		}
	}

	/**
	 * Say who may write to a directory with the given mode. With an access control list,
	 * the group bits are its mask: the most that the users and groups it names may do.
	 */
	static String writers(int mode) {
		return ((mode & 0002) != 0) ? "every user"
				: "its group (or, if it has an access control list, the users and groups that names)";
	}

	private static UnsafeDirectoryException unsafe(String what, Path directory, Path offending, boolean last,
			String problem, String fix) {
		String which;
		if (last) {
			which = offending.equals(directory) ? "the directory" : "the directory (really " + offending + ")";
		}
		else {
			// a part of the path as configured, or of where a link on it leads
			which = directory.startsWith(offending) ? "its ancestor " + offending
					: offending + ", on the way there through a symbolic link,";
		}
		return new UnsafeDirectoryException(directory,
				"Cannot keep " + what + " in " + directory + ": " + which + " " + problem + ".", fix);
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
