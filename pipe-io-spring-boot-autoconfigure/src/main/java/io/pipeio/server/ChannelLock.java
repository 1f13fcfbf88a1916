package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a running server holds so that no other server serves its pipes: the claim of its two pipe
 * paths in this JVM ({@link PipePathClaims}). Taken before anything at the pipe paths is checked,
 * created or replaced, and given back after the pipes are removed.
 *
 * @author pipe-io
 */
final class ChannelLock {

	private final Object owner;

	private ChannelLock(Object owner) {
		this.owner = owner;
	}

	/**
	 * Claim a channel's pipe paths, creating a missing directory when the pipes are managed (a
	 * path is claimed with the symbolic links of its directory resolved). All or nothing.
	 * @param settings the channel settings
	 * @param owner the server, to release the claims by
	 * @return the lock to release at stop
	 * @throws PipeInUseException if another server of this JVM serves them
	 * @throws PipeFileException if a directory is missing and the pipes are not managed
	 * @throws IOException if a directory cannot be created or resolved
	 */
	static ChannelLock acquire(PipeServerSettings settings, Object owner) throws IOException {
		String channel = settings.getChannel();
		Path in = resolveDirectory(channel, "in", settings.getInPath(), settings.isManagePipes());
		Path out = resolveDirectory(channel, "out", settings.getOutPath(), settings.isManagePipes());
		PipePathClaims.claim(owner, channel, List.of(in, out));
		return new ChannelLock(owner);
	}

	/** Release the claims. */
	void release() {
		PipePathClaims.release(this.owner);
	}

	/**
	 * The pipe path with the symbolic links of its directory resolved, so that two spellings of
	 * one directory are one directory; its last component is never followed.
	 */
	private static Path resolveDirectory(String channel, String role, Path pipe, boolean managed)
			throws IOException {
		Path directory = pipe.getParent();
		if (directory == null) {
			throw new PipeFileException(pipe, PipeFiles.prefix(channel, role, pipe) + "a pipe needs a directory.");
		}
		if (!Files.isDirectory(directory)) {
			if (!managed) {
				// No directory, so no FIFO either: this fails naming the missing FIFO and the fix.
				PipeFiles.check(channel, role, pipe, false);
			}
			FifoFactory.createDirectories(directory);
		}
		return directory.toRealPath().resolve(pipe.getFileName());
	}

}
