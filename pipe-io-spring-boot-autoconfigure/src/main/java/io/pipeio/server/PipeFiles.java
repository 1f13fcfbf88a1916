package io.pipeio.server;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The checks and file operations on pipe paths: what may be opened, created, replaced and
 * removed. The rule throughout: never follow a symbolic link, never touch a file that is
 * not a FIFO, and remove only a FIFO this server created (same device and inode).
 *
 * @author pipe-io
 */
final class PipeFiles {

	private static final Log logger = LogFactory.getLog(PipeFiles.class);

	private static final int CURRENT_UID = readCurrentUid();

	private PipeFiles() {
	}

	/**
	 * Check a pipe path before start: it must hold a FIFO or (when managed) nothing.
	 * @param channel the channel name, for messages
	 * @param role "in" or "out"
	 * @param path the path
	 * @param managed whether the server may create the FIFO
	 * @return what is at the path
	 * @throws PipeFileException if the path cannot be used
	 * @throws IOException if it cannot be inspected
	 */
	static PipeFile check(String channel, String role, Path path, boolean managed) throws IOException {
		PipeFile file = PipeFile.inspect(path);
		if (file.isMissing()) {
			if (!managed) {
				throw new PipeFileException(path,
						prefix(channel, role, path)
								+ "no FIFO exists there and manage-pipes is off. Create it (mkfifo -m 600 " + path
								+ ") or turn manage-pipes on.");
			}
			return file;
		}
		if (!file.isFifo()) {
			throw new PipeFileException(path,
					prefix(channel, role, path) + "found " + file.kind().description()
							+ " there, not a FIFO. Remove it or configure another path; pipe-io never deletes"
							+ " files it did not create.");
		}
		if (managed && CURRENT_UID >= 0 && file.uid() != CURRENT_UID) {
			throw new PipeFileException(path, prefix(channel, role, path) + "the FIFO there belongs to user id "
					+ file.uid() + ", not to this process (" + CURRENT_UID + "). Remove it or configure another path.");
		}
		if (!managed && CURRENT_UID >= 0 && file.uid() != CURRENT_UID && file.uid() != 0) {
			checkOthersCannotPlant(channel, role, file);
		}
		return file;
	}

	/**
	 * A FIFO of another user is served unmanaged only from a directory nobody else may
	 * add names to: in a sticky directory such as {@code /tmp}, any user could have put
	 * it there (or put it back after a deletion) to take the channel's lines or forge its
	 * replies.
	 */
	private static void checkOthersCannotPlant(String channel, String role, PipeFile file) throws IOException {
		Path directory = file.path().getParent();
		if (directory == null) {
			return;
		}
		int mode = (Integer) Files.getAttribute(directory, "unix:mode");
		if ((mode & DirectoryChain.GROUP_OR_OTHER_WRITE) != 0) {
			throw new PipeFileException(file.path(), prefix(channel, role, file.path())
					+ "the FIFO there belongs to user id " + file.uid() + ", and " + directory + " can be written by "
					+ DirectoryChain.writers(mode)
					+ ", so anyone there could have put it in place of the channel's own. Create the FIFO as this"
					+ " process's user (" + CURRENT_UID + "), or keep the pipes in a directory only this user can"
					+ " write to.");
		}
	}

	/**
	 * Create a FIFO (and missing parent directories, with the directory permissions),
	 * replacing a stale FIFO, and open it. What was opened must be a FIFO of this user
	 * with a single name: the one {@code mkfifo} just made. Its mode is then set on the
	 * descriptor, never by path.
	 * @param path the path
	 * @param stale the FIFO found there to replace, or a missing file
	 * @param settings the channel settings (permissions)
	 * @return the created and opened FIFO
	 * @throws PipeFileException if something else was put at the path meanwhile
	 * @throws IOException if it cannot be created
	 */
	static FifoDescriptor create(Path path, PipeFile stale, PipeServerSettings settings) throws IOException {
		Path parent = path.getParent();
		if (parent != null) {
			PipeDirectories.prepare(settings.getChannel(), parent, settings.getDirectoryPermissions(), true);
		}
		if (stale.isFifo()) {
			removeIfSame(stale);
		}
		FifoDescriptor.mkfifo(path);
		FifoDescriptor created;
		try {
			created = FifoDescriptor.open(path);
		}
		catch (IOException | RuntimeException ex) {
			// Such as EMFILE, out of descriptors: the FIFO just made would stay behind,
			// and be taken by the next attempt for one this server did not create,
			// served and never removed. Removed only if it is still a FIFO of this user.
			removeIfMadeHere(path);
			throw ex;
		}
		try {
			PipeFile file = created.file();
			if (!file.isFifo() || (CURRENT_UID >= 0 && file.uid() != CURRENT_UID) || created.links() != 1) {
				throw new PipeFileException(path, "The FIFO just created at " + path + " was replaced by "
						+ file.kind().description() + " of user id " + file.uid()
						+ " before it could be opened; it was left alone. Check who else can write to " + parent + ".");
			}
			created.setPermissions(settings.getPermissions());
			return created;
		}
		catch (IOException | RuntimeException ex) {
			created.close();
			throw ex;
		}
	}

	/**
	 * Open a FIFO that was inspected before: what is opened must be that very file, still
	 * a FIFO, with no other name. A second name (a hard link) may be another program's
	 * FIFO, linked here by someone who may add names to the directory (a sticky one such
	 * as {@code /tmp}) to take the channel's lines or send its replies there; and a FIFO
	 * reused as a stale one of this server's would be removed at the stop.
	 * @param channel the channel name, for messages
	 * @param role "in" or "out"
	 * @param checked the FIFO as inspected by {@link #check}
	 * @return the opened FIFO
	 * @throws PipeFileException if the path now holds something else, or a FIFO with
	 * other names
	 * @throws IOException if it cannot be opened
	 */
	static FifoDescriptor open(String channel, String role, PipeFile checked) throws IOException {
		FifoDescriptor opened = FifoDescriptor.open(checked.path());
		if (!opened.file().isFifo() || !opened.file().isSameFile(checked)) {
			opened.close();
			throw new PipeFileException(checked.path(),
					prefix(channel, role, checked.path()) + "the FIFO there was replaced by "
							+ opened.file().kind().description() + " while it was being opened; it was left alone.");
		}
		if (opened.links() != 1) {
			int links = opened.links();
			opened.close();
			throw new PipeFileException(checked.path(), prefix(channel, role, checked.path()) + "the FIFO there has "
					+ links + " names (hard links), and another name may be another"
					+ " program's FIFO, linked here to take the channel's lines or its replies; it was left alone."
					+ " Remove its other names (find / -samefile " + checked.path()
					+ ") or configure another path; pipe-io never deletes files it did not create.");
		}
		return opened;
	}

	/**
	 * Delete a FIFO if the path still holds that very file, as identified by the
	 * descriptor that opened it. Between that check and the unlink, only this user or
	 * root could swap the path (the directory passed {@link PipeDirectories}), so nobody
	 * else's file can be deleted.
	 * @param created the FIFO as opened
	 * @return whether it was deleted
	 */
	static boolean removeIfSame(@Nullable PipeFile created) {
		try {
			return removeIfSameOrThrow(created);
		}
		catch (IOException ex) {
			// Already gone or not ours to remove.
			return false;
		}
	}

	/**
	 * Delete a FIFO as {@link #removeIfSame} does at a channel's stop, telling if it
	 * stays: a directory made read-only, say, keeps it for the next start, which reuses
	 * it, and the operator who finds it should know why it is there.
	 * @param created the FIFO as opened
	 * @param channel the channel it was a pipe of
	 */
	static void removeAtStop(@Nullable PipeFile created, String channel) {
		if (created == null) {
			return;
		}
		try {
			removeIfSameOrThrow(created);
		}
		catch (NoSuchFileException ex) {
			// already gone
		}
		catch (IOException ex) {
			String reason = (ex instanceof FileSystemException refused && refused.getReason() != null)
					? refused.getReason() : ex.getMessage();
			logger.warn("Channel '" + channel + "' stopped, but could not remove its FIFO " + created.path() + " ("
					+ reason + "); the next start at that path reuses it");
		}
	}

	private static boolean removeIfSameOrThrow(@Nullable PipeFile created) throws IOException {
		if (created == null) {
			return false;
		}
		if (PipeFile.inspect(created.path()).isSameFile(created)) {
			return Files.deleteIfExists(created.path());
		}
		return false;
	}

	/**
	 * Remove a FIFO this server just made but could not open. Its directory is safe (only
	 * this user may add or remove names there, or it is sticky and the name is this
	 * user's), so what is at the path is still that FIFO unless this user changed it.
	 * @param path where it was made
	 */
	private static void removeIfMadeHere(Path path) {
		try {
			PipeFile made = PipeFile.inspect(path);
			if (made.isFifo() && (CURRENT_UID < 0 || made.uid() == CURRENT_UID)) {
				removeIfSame(made);
			}
		}
		catch (IOException ex) {
			// Left behind: the next start reuses it as a stale FIFO of its own.
		}
	}

	/**
	 * @return the user id of this process, or -1 where it cannot be read
	 */
	static int currentUid() {
		return CURRENT_UID;
	}

	static String prefix(String channel, String role, Path path) {
		return "Cannot use " + path + " as the " + role + " pipe of channel '" + channel + "': ";
	}

	private static int readCurrentUid() {
		try {
			return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

}
