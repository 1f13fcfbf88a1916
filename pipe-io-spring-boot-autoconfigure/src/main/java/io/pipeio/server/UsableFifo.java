package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * A FIFO opened to serve a channel's path, and whether this server created it (and so may
 * remove it). What {@link ChannelPipes} opens at start and when a pipe was deleted or
 * replaced on disk: it never touches anything at a path but a FIFO.
 *
 * @param fifo the opened FIFO
 * @param created whether this server created it
 * @author pipe-io
 */
record UsableFifo(FifoDescriptor fifo, boolean created) {

	/**
	 * Open what {@link PipeFiles#check} found at start: a FIFO someone else put there is
	 * served and never removed; a managed path gets a FIFO of its own. A FIFO of this
	 * user with the configured mode left by a server that died (the directory lock, held
	 * now, says none runs) is reused, so clients waiting in {@code open} on it and the
	 * lines it holds are served.
	 */
	static UsableFifo atStart(PipeServerSettings settings, PipeFile checked, String role) throws IOException {
		if (!settings.isManagePipes()) {
			return new UsableFifo(PipeFiles.open(settings.getChannel(), role, checked), false);
		}
		if (checked.isFifo()) {
			FifoDescriptor stale = PipeFiles.open(settings.getChannel(), role, checked);
			if (stale.permissions().equals(settings.getPermissions())) {
				return new UsableFifo(stale, true);
			}
			stale.close(); // another mode than configured: replaced by a new FIFO
		}
		return new UsableFifo(PipeFiles.create(checked.path(), checked, settings), true);
	}

	/**
	 * A FIFO at the path of a pipe deleted or replaced on disk, created if missing and
	 * managed. The directory is checked again first: the one checked at start may have
	 * been deleted since and another user's put in its place (in a sticky directory such
	 * as {@code /tmp}). A FIFO there is served even if not ours when pipes are not
	 * managed, but only if nobody else could have put it there ({@link PipeFiles#check}),
	 * and only once this JVM holds the directory's lock again if its lock file was
	 * deleted: another process may have locked a new one.
	 */
	static UsableFifo replacing(PipeServerSettings settings, PipeFile found, String role) throws IOException {
		checkDirectory(settings.getChannel(), found.path());
		PipeFile checked = PipeFiles.check(settings.getChannel(), role, found.path(), settings.isManagePipes());
		Path directory = found.path().getParent();
		if (directory != null && (!checked.isMissing() || settings.isManagePipes())) {
			if (checked.isMissing()) {
				PipeDirectories.prepare(settings.getChannel(), directory, settings.getDirectoryPermissions(), true);
			}
			// A directory deleted whole went with its lock file: it is locked again
			// before a pipe is made or served there. A FIFO found in it may be another
			// server's, which made the directory again and locked it first: serving
			// that would split its lines.
			DirectoryLocks.lockAgainIfDeleted(PipeDirectories.realPath(directory), settings.getChannel());
		}
		if (!checked.isMissing()) {
			// A FIFO someone put there after ours went away: served, never removed.
			return new UsableFifo(PipeFiles.open(settings.getChannel(), role, checked), false);
		}
		return atStart(settings, checked, role);
	}

	/** Check the directory of a pipe, if it has one. */
	static void checkDirectory(String channel, Path pipe) throws IOException {
		Path directory = pipe.getParent();
		if (directory != null) {
			PipeDirectories.check(channel, directory);
		}
	}

	/** {@link #discard()} one that may not have been opened. */
	static void discard(@Nullable UsableFifo usable) {
		if (usable != null) {
			usable.discard();
		}
	}

	@Nullable PipeFile owned() {
		return this.created ? this.fifo.file() : null;
	}

	/**
	 * Close it, and remove it if it was created for a start or replacement that then
	 * failed.
	 */
	void discard() {
		this.fifo.close();
		removeIfCreated();
	}

	/**
	 * Remove it if it was created for a start that then failed, leaving its descriptor to
	 * the writer it was handed to, which closes it.
	 */
	void removeIfCreated() {
		if (this.created) {
			PipeFiles.removeIfSame(this.fifo.file());
		}
	}

}
