package io.pipeio.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A {@link LockFile} opened, and what the opened descriptor said of it: what is locked
 * and written is what was checked, however the path is swapped meanwhile.
 *
 * @param channel reads, writes and locks it
 * @param file the opened file
 * @author pipe-io
 */
record OpenedLockFile(FileChannel channel, PipeFile file) {

	private static final String ATTRIBUTES = "unix:mode,uid,nlink,fileKey";

	/**
	 * Open the lock file and check what was opened, whatever the path names by then: a
	 * regular file of this user with no other name. A second name (a hard link another
	 * user made where {@code fs.protected_hardlinks} is 0) could be that of any file of
	 * this user, such as a pid file, which the process id would overwrite.
	 * @param path the path of the lock file
	 * @param failure how a message of failure starts (see {@link LockFile#lock})
	 * @return the opened file
	 * @throws NoSuchFileException if the path was removed meanwhile
	 * @throws PipeFileException if what was opened cannot be the lock file
	 */
	static OpenedLockFile open(Path path, String failure) throws IOException {
		int fd;
		try {
			// O_PATH: described and reopened below before anything is locked; closing it
			// afterwards drops no lock another copy of pipe-io in this process may hold.
			fd = Posix.open(path.toString(), Posix.O_PATH | Posix.O_NOFOLLOW);
		}
		catch (IOException ex) {
			if (Posix.errno(ex) == Posix.ENOENT) {
				throw new NoSuchFileException(path.toString());
			}
			throw ex;
		}
		try {
			Path described = Path.of("/proc/self/fd/" + fd);
			Map<String, Object> attributes = Files.readAttributes(described, ATTRIBUTES);
			PipeFile file = new PipeFile(path, FileKind.ofMode(PipeFile.intAttribute(attributes, "mode")),
					PipeFile.intAttribute(attributes, "uid"), attributes.get("fileKey"));
			LockFile.checkUsable(file, PipeFiles.currentUid(), failure);
			int links = PipeFile.intAttribute(attributes, "nlink");
			if (links == 0) {
				throw new NoSuchFileException(path.toString());
			}
			if (links != 1) {
				throw new PipeFileException(path, failure + "the lock file " + path + " has " + links
						+ " names (hard links), so its content may belong elsewhere. Remove this name or configure"
						+ " another pipe-io.directory; pipe-io never writes to a file with another name.");
			}
			// The very file described, reached through the descriptor rather than the
			// path.
			return new OpenedLockFile(FileChannel.open(described, StandardOpenOption.READ, StandardOpenOption.WRITE),
					file);
		}
		finally {
			Posix.close(fd);
		}
	}

}
