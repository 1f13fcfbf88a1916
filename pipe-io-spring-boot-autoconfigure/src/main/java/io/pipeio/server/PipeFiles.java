package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * The checks and file operations on pipe paths: what may be opened, created, replaced and
 * removed. The rule throughout: never follow a symbolic link, never touch a file that is not a
 * FIFO, and remove only a FIFO this server created (same device and inode).
 *
 * @author pipe-io
 */
final class PipeFiles {

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
				throw new PipeFileException(path, prefix(channel, role, path)
						+ "no FIFO exists there and manage-pipes is off. Create it (mkfifo -m 600 " + path
						+ ") or turn manage-pipes on.");
			}
			return file;
		}
		if (!file.isFifo()) {
			throw new PipeFileException(path, prefix(channel, role, path) + "found " + file.kind().description()
					+ " there, not a FIFO. Remove it or configure another path; pipe-io never deletes"
					+ " files it did not create.");
		}
		if (managed && CURRENT_UID >= 0 && file.uid() != CURRENT_UID) {
			throw new PipeFileException(path, prefix(channel, role, path) + "the FIFO there belongs to user id "
					+ file.uid() + ", not to this process (" + CURRENT_UID + "). Remove it or configure another path.");
		}
		return file;
	}

	/**
	 * Create a FIFO (and missing parent directories, mode 0700), replacing a stale FIFO.
	 * @param path the path
	 * @param stale the FIFO found there to replace, or a missing file
	 * @param settings the channel settings (permissions)
	 * @return the created FIFO
	 * @throws IOException if it cannot be created
	 */
	static PipeFile create(Path path, PipeFile stale, PipeServerSettings settings) throws IOException {
		if (stale.isFifo()) {
			removeIfSame(stale);
		}
		Path parent = path.getParent();
		if (parent != null) {
			FifoFactory.createDirectories(parent);
		}
		FifoFactory.create(path, settings.getPermissions());
		return PipeFile.inspect(path);
	}

	/**
	 * Fail if the path no longer holds the file that was inspected.
	 * @param expected the file as inspected
	 * @throws IOException if it changed
	 */
	static void requireUnchanged(PipeFile expected) throws IOException {
		if (!PipeFile.inspect(expected.path()).isSameFile(expected)) {
			throw new PipeFileException(expected.path(), expected.path() + " changed while it was being opened");
		}
	}

	/**
	 * Delete a FIFO if the path still holds that very file.
	 * @param created the FIFO as created
	 * @return whether it was deleted
	 */
	static boolean removeIfSame(@Nullable PipeFile created) {
		if (created == null) {
			return false;
		}
		try {
			if (PipeFile.inspect(created.path()).isSameFile(created)) {
				return Files.deleteIfExists(created.path());
			}
		}
		catch (IOException ex) {
			// Already gone or not ours to remove.
		}
		return false;
	}

	/** @return the user id of this process, or -1 where it cannot be read */
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
