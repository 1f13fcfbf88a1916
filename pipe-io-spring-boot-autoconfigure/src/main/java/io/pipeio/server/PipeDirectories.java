package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
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
 * The path is walked from {@code /} as the kernel resolves it, one name at a time, each
 * directory inspected without following links. A symbolic link on the way is accepted
 * only when this user or root owns it (its directory, checked before it, keeps others
 * from replacing it), and its target is walked in turn, so a link inside a link's target
 * is judged as well. Root may own ancestors, never the pipe directory itself unless this
 * process runs as root.
 *
 * @author pipe-io
 */
final class PipeDirectories {

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
		if (!checkFor(what, directory) && create) {
			createMissing(what, directory, permissions);
			Scope current = scope.get();
			if (current != null) {
				current.forget(directory);
			}
			if (!checkFor(what, directory)) {
				// a link at the very end, whose target is missing: never created through
				int uid = PipeFiles.currentUid();
				Path missing = (uid >= 0) ? DirectoryChain.missingPart(what, directory, uid) : null;
				throw MissingDirectories.missingOnTheWay(what, directory, directory,
						(missing != null) ? missing : directory);
			}
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

	/**
	 * @return whether the whole path exists (where not known, whether it is a directory)
	 */
	private static boolean checkFor(String what, Path directory) throws IOException {
		int uid = PipeFiles.currentUid();
		if (uid < 0) {
			// not a system with /proc: nothing to compare owners with
			return Files.isDirectory(directory);
		}
		Scope current = scope.get();
		if (current != null && current.passed.contains(directory)) {
			return true;
		}
		boolean complete = DirectoryChain.check(what, directory, uid);
		if (current != null && complete) {
			current.passed.add(directory);
		}
		return complete;
	}

	/**
	 * Create the missing directories of a path, each with exactly the given permissions,
	 * only inside directories that exist and pass the check (see
	 * {@link MissingDirectories}).
	 * @param what what the directory holds, for messages
	 * @param directory the directory, absolute and normalised
	 * @param permissions the permissions of directories created here
	 * @throws UnsafeDirectoryException if an ancestor is unsafe, or reached through a
	 * symbolic link whose target is missing; nothing was created there
	 * @throws IOException if a directory cannot be created
	 */
	static void createMissing(String what, Path directory, Set<PosixFilePermission> permissions) throws IOException {
		MissingDirectories.create(what, directory, permissions, PipeFiles.currentUid());
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
