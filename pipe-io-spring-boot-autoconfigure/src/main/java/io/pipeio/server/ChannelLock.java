package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a running server holds so that no other server serves its pipes: the claim of its
 * two pipe paths in this JVM ({@link PipePathClaims}) and the lock of their directory, or
 * of both directories when the pipes live apart ({@link DirectoryLocks}). Taken before
 * anything at the pipe paths is checked, created or replaced, and given back after the
 * pipes are removed.
 *
 * @author pipe-io
 */
final class ChannelLock {

	private final Object owner;

	private final List<Path> directories;

	private ChannelLock(Object owner, List<Path> directories) {
		this.owner = owner;
		this.directories = directories;
	}

	/**
	 * Claim a channel's pipe paths and lock their directories, creating a missing
	 * directory when the pipes are managed (the lock file lives there). All or nothing.
	 * @param settings the channel settings
	 * @param owner the server, to release the claims by
	 * @return the lock to release at stop
	 * @throws PipeInUseException if another server, here or in another process, serves
	 * them
	 * @throws PipeFileException if a directory is missing and the pipes are not managed,
	 * or something other than a lock file is at the lock file's path
	 * @throws IOException if a directory or lock file cannot be created or used
	 */
	static ChannelLock acquire(PipeServerSettings settings, Object owner) throws IOException {
		String channel = settings.getChannel();
		Path in = resolveDirectory(settings, "in", settings.getInPath());
		Path out = resolveDirectory(settings, "out", settings.getOutPath());
		PipePathClaims.claim(owner, channel, List.of(in, out));
		List<Path> locked = new ArrayList<>(2);
		try {
			Set<Path> directories = new LinkedHashSet<>(List.of(in.getParent(), out.getParent()));
			for (Path directory : directories) {
				// the lock's own path, shared by every channel of the directory
				locked.add(DirectoryLocks.acquire(directory, channel));
			}
		}
		catch (IOException | RuntimeException ex) {
			locked.forEach(DirectoryLocks::release);
			PipePathClaims.release(owner);
			throw ex;
		}
		return new ChannelLock(owner, List.copyOf(locked));
	}

	/** Unlock the directories (for the last channel there) and release the claims. */
	void release() {
		this.directories.forEach(DirectoryLocks::release);
		PipePathClaims.release(this.owner);
	}

	/**
	 * The pipe path with the symbolic links of its directory resolved, so that two
	 * spellings of one directory are one directory; its last component is never followed.
	 * The directory is checked (and, for managed pipes, created) before a lock file is
	 * put in it.
	 */
	private static Path resolveDirectory(PipeServerSettings settings, String role, Path pipe) throws IOException {
		String channel = settings.getChannel();
		boolean managed = settings.isManagePipes();
		Path directory = pipe.getParent();
		if (directory == null) {
			throw new PipeFileException(pipe, PipeFiles.prefix(channel, role, pipe) + "a pipe needs a directory.");
		}
		if (!managed && !Files.isDirectory(directory)) {
			// No directory, so no FIFO either: this fails naming the missing FIFO and the
			// fix.
			PipeFiles.check(channel, role, pipe, false);
		}
		PipeDirectories.prepare(channel, directory, settings.getDirectoryPermissions(), managed);
		Path resolved = PipeDirectories.realPath(directory).resolve(pipe.getFileName());
		// Mostly the configured path itself: the claim then holds that one rather than a
		// copy for as long as the channel runs.
		return resolved.equals(pipe) ? pipe : resolved;
	}

}
