package io.pipeio.server;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.HashSet;
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

	/** {@link #checkChain}: a symbolic link was passed on the way. */
	private static final int LINKED = 1;

	/** {@link #checkChain}: a part of the path does not exist (yet). */
	private static final int INCOMPLETE = 2;

	/**
	 * The directories that passed {@link #check} on this thread since a {@link Scope}
	 * opened, and their real paths.
	 */
	private static final ThreadLocal<@Nullable Scope> scope = new ThreadLocal<>();

	private PipeDirectories() {
	}

	/**
	 * Open a scope on this thread in which a directory that passed {@link #check} is not
	 * inspected again, or return {@code null} when one is open already (the outer one
	 * decides).
	 */
	static @Nullable Scope openScope() {
		if (scope.get() != null) {
			return null;
		}
		Scope opened = new Scope();
		scope.set(opened);
		return opened;
	}

	/**
	 * The real path of a directory that exists, resolved once per scope: a symbolic link
	 * in a directory that passed {@link #check} can only be changed by this user or root.
	 * @param directory the directory, absolute and normalised, checked before
	 * @return its real path
	 * @throws IOException if it cannot be resolved
	 */
	static Path realPath(Path directory) throws IOException {
		Scope current = scope.get();
		if (current == null) {
			return directory.toRealPath();
		}
		Path real = current.realPaths.get(directory);
		if (real == null) {
			real = directory.toRealPath();
			current.realPaths.put(directory, real);
		}
		return real;
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
		prepareFor(pipesOf(channel), directory, permissions, create);
	}

	/**
	 * Make sure a directory that will hold files other than pipes (dead letters) exists
	 * and is as safe as a pipe directory, as {@link #prepare} does.
	 * @param what what the directory holds, for messages ("the pipes of channel 'x'")
	 * @param directory the directory, absolute and normalised
	 * @param permissions the permissions of directories created here
	 * @param create whether missing directories may be created
	 * @throws UnsafeDirectoryException if the directory or an ancestor is unsafe
	 * @throws IOException if a directory cannot be inspected or created
	 */
	static void prepareFor(String what, Path directory, Set<PosixFilePermission> permissions, boolean create)
			throws IOException {
		checkFor(what, directory);
		if (create && !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
			createMissing(what, directory, permissions);
			Scope current = scope.get();
			if (current != null) {
				current.forget(directory);
			}
			checkFor(what, directory);
		}
	}

	private static String pipesOf(String channel) {
		return "the pipes of channel '" + channel + "'";
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
		checkFor(pipesOf(channel), directory);
	}

	private static void checkFor(String what, Path directory) throws IOException {
		int uid = PipeFiles.currentUid();
		if (uid < 0) {
			return; // not a system with /proc: nothing to compare owners with
		}
		Scope current = scope.get();
		if (current != null && current.passed.contains(directory)) {
			return;
		}
		int found = checkChain(what, directory, directory, uid);
		if ((found & LINKED) != 0) {
			Path existing = deepestExisting(directory);
			if (existing != null) {
				Path real = existing.toRealPath();
				found |= checkChain(what, directory,
						directory.equals(existing) ? real : real.resolve(existing.relativize(directory)), uid);
			}
		}
		if (current != null && (found & INCOMPLETE) == 0) {
			current.passed.add(directory);
		}
	}

	/**
	 * Inspect each prefix of a path from the root.
	 * @return {@link #LINKED} if a symbolic link was passed on the way, plus
	 * {@link #INCOMPLETE} if a part of the path is missing
	 */
	private static int checkChain(String what, Path directory, Path path, int uid) throws IOException {
		int linked = 0;
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
				// created later, inside a directory that passed
				return linked | INCOMPLETE;
			}
			int mode = PipeFile.intAttribute(attributes, "mode");
			int owner = PipeFile.intAttribute(attributes, "uid");
			boolean last = i == count - 1;
			FileKind kind = FileKind.ofMode(mode & TYPE_MASK);
			if (kind == FileKind.SYMBOLIC_LINK) {
				if (owner != uid && owner != 0) {
					throw unsafe(what, directory, current,
							"is a symbolic link owned by user id " + owner + ", who could point it elsewhere",
							"replace it with a directory or a link owned by this user");
				}
				linked = LINKED;
				continue;
			}
			if (kind != FileKind.DIRECTORY) {
				throw unsafe(what, directory, current, "is " + kind.description() + ", not a directory",
						"configure a directory");
			}
			if (owner != uid && !(owner == 0 && !last)) {
				throw unsafe(what, directory, current,
						"belongs to user id " + owner + ", not to this process's user (" + uid
								+ "), who could replace the pipes in it",
						last ? "use a directory this user owns"
								: "use a directory whose ancestors belong to this user or root");
			}
			if ((mode & GROUP_OR_OTHER_WRITE) != 0 && (mode & STICKY) == 0) {
				throw unsafe(what, directory, current,
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

	/**
	 * Create the missing directories of a path whose existing part passed {@link #check},
	 * each with exactly the given permissions.
	 * @param what what the directory holds, for messages
	 * @param directory the directory, absolute and normalised
	 * @param permissions the permissions of directories created here
	 * @throws UnsafeDirectoryException if a directory that appeared since the check is
	 * unsafe; nothing was created in it
	 * @throws IOException if a directory cannot be created
	 */
	static void createMissing(String what, Path directory, Set<PosixFilePermission> permissions) throws IOException {
		Path parent = directory.getParent();
		if (parent != null) {
			if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
				createMissing(what, parent, permissions);
			}
			// What is there may have been put there since the check: by another
			// channel, or by another user in a sticky directory such as /tmp, whose link
			// would send the new directory elsewhere, and in whose directory the new one
			// could be swapped for a link before its mode is set. Judged before anything
			// is created in it, as an ancestor of the directory: root may own it, and a
			// user who cannot write there is told so by the creation below.
			checkFor(what, directory);
		}
		try {
			// Created with the permissions (less the umask) rather than opened up first:
			// with a umask such as 002 the group could otherwise put files in it before
			// the chmod below.
			Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(permissions));
		}
		catch (FileAlreadyExistsException ex) {
			// created meanwhile; judged before use like its parent
			return;
		}
		// Created just now by this user inside a checked parent: nobody else can have
		// swapped it. Made exact whatever the umask, never through a link all the same.
		Files.getFileAttributeView(directory, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
			.setPermissions(permissions);
	}

	private static UnsafeDirectoryException unsafe(String what, Path directory, Path offending, String problem,
			String fix) {
		String which = offending.equals(directory) ? "the directory" : "its ancestor " + offending;
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

	/**
	 * Directory checks shared by the channels started together (by one thread, such as
	 * every channel of an application at start-up): each directory is inspected once
	 * instead of up to six times per channel.
	 * <p>
	 * As safe as checking again: a directory chain that passed (every part this user's,
	 * or root's for an ancestor, none writable by others unless sticky, every symbolic
	 * link this user's or root's) cannot be made unsafe by another user, who would need
	 * to own a part of it or write to one of its directories to do so. Only this user or
	 * root can change it, and they can replace the pipes anyway, which no check prevents.
	 * A chain with missing parts is not remembered (it is checked again once created), a
	 * failed check is never remembered, and the scope ends with the start it was opened
	 * for: a channel started later, and the watchdog's repairs, check afresh. Each
	 * channel's own pipe files are still inspected and verified when opened.
	 */
	static final class Scope implements AutoCloseable {

		final Set<Path> passed = new HashSet<>();

		final Map<Path, Path> realPaths = new HashMap<>();

		void forget(Path directory) {
			this.passed.remove(directory);
			this.realPaths.remove(directory);
		}

		@Override
		public void close() {
			if (scope.get() == this) {
				scope.remove();
			}
		}

	}

}
