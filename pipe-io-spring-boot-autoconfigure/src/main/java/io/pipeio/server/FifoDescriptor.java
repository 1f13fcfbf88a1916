package io.pipeio.server;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A pipe path opened natively with {@code O_RDONLY | O_NOFOLLOW | O_NONBLOCK}, so the
 * open neither follows a symbolic link nor blocks on a FIFO without a writer, and then
 * described from the descriptor itself: what was opened is what gets checked, changed and
 * used, however the path is swapped meanwhile. Its mode is set with {@code fchmod}, and
 * every other descriptor the server uses is opened through {@code /proc/self/fd}, which
 * reaches the very file behind this descriptor rather than whatever the path names by
 * then.
 * <p>
 * The descriptor is a reader of the FIFO but never a writer, so it does not hide the
 * moment the last client leaves (EOF), and clients that open the FIFO for writing never
 * wait for a reader.
 *
 * @author pipe-io
 */
final class FifoDescriptor implements AutoCloseable {

	private static final String ATTRIBUTES = "unix:mode,uid,nlink,fileKey";

	/**
	 * Changed only by {@link #reopen}, which the event loop calls from the one thread
	 * that uses the number.
	 */
	private volatile int fd;

	private final PipeFile file;

	private final int links;

	private final int mode;

	private boolean closed;

	private FifoDescriptor(int fd, PipeFile file, int links, int mode) {
		this.fd = fd;
		this.file = file;
		this.links = links;
		this.mode = mode;
	}

	/**
	 * Create a FIFO with mode {@code 0600} (less the umask) where nothing exists.
	 * @param path the path
	 * @throws PipeFileException if something appeared at the path meanwhile
	 * @throws IOException if it cannot be created
	 */
	static void mkfifo(Path path) throws IOException {
		try {
			Posix.mkfifo(path.toString(), 0600);
		}
		catch (IOException ex) {
			if (Posix.errno(ex) == Posix.EEXIST) {
				throw new PipeFileException(path, "Cannot create the FIFO " + path
						+ ": something was put there while it was being created. Remove it or configure another path.");
			}
			throw ex;
		}
	}

	/**
	 * Open a path without following a link at its last component and without blocking,
	 * and describe what was opened.
	 * @param path the path
	 * @return the open descriptor; its {@link #file()} describes the opened file, not the
	 * path
	 * @throws PipeFileException if the path is a symbolic link or missing
	 * @throws IOException if it cannot be opened
	 */
	static FifoDescriptor open(Path path) throws IOException {
		int fd;
		try {
			fd = Posix.open(path.toString(), Posix.O_RDONLY | Posix.O_NONBLOCK | Posix.O_NOFOLLOW);
		}
		catch (IOException ex) {
			if (Posix.errno(ex) == Posix.ELOOP) {
				throw new PipeFileException(path, path + " is a symbolic link; pipe-io never follows one."
						+ " Remove it or configure another path.");
			}
			if (Posix.errno(ex) == Posix.ENOENT) {
				throw new PipeFileException(path, path + " disappeared while it was being opened");
			}
			throw ex;
		}
		try {
			Map<String, Object> attributes = Files.readAttributes(procPath(fd), ATTRIBUTES);
			int mode = PipeFile.intAttribute(attributes, "mode");
			PipeFile file = new PipeFile(path, FileKind.ofMode(mode), PipeFile.intAttribute(attributes, "uid"),
					attributes.get("fileKey"));
			return new FifoDescriptor(fd, file, PipeFile.intAttribute(attributes, "nlink"), mode);
		}
		catch (IOException | RuntimeException ex) {
			Posix.close(fd);
			throw ex;
		}
	}

	/**
	 * @return the opened file: its kind, owner and identity as the descriptor sees them
	 */
	PipeFile file() {
		return this.file;
	}

	/**
	 * @return how many names the opened file has
	 */
	int links() {
		return this.links;
	}

	/**
	 * Tell how many names the FIFO has now: none once every name was removed, when no one
	 * can open it any more.
	 * @return the count
	 * @throws IOException if it cannot be told, also once this descriptor was closed
	 */
	synchronized int linksNow() throws IOException {
		requireOpen();
		return PipeFile.intAttribute(Files.readAttributes(procPath(this.fd), "unix:nlink"), "nlink");
	}

	/**
	 * @return the permissions of the opened file when it was opened
	 */
	Set<PosixFilePermission> permissions() {
		Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
		for (PosixFilePermission permission : PosixFilePermission.values()) {
			if ((this.mode & (0400 >> permission.ordinal())) != 0) {
				permissions.add(permission);
			}
		}
		return permissions;
	}

	/**
	 * Set the mode of the opened file exactly, whatever the umask.
	 * @param permissions the permissions
	 * @throws IOException if it cannot be changed
	 */
	synchronized void setPermissions(Set<PosixFilePermission> permissions) throws IOException {
		requireOpen();
		Posix.fchmod(this.fd, Posix.modeBits(permissions));
	}

	/**
	 * Open a channel on the very file behind this descriptor. Read-write never blocks;
	 * for a read-only channel use {@link #openReader()}.
	 * @param options the open options
	 * @return the channel
	 * @throws ClosedChannelException if this descriptor was closed
	 * @throws IOException if it cannot be opened
	 */
	synchronized FileChannel openChannel(OpenOption... options) throws IOException {
		// Under the lock that close() takes: once closed, the number may name another
		// file.
		requireOpen();
		return FileChannel.open(procPath(this.fd), options);
	}

	/**
	 * Open a blocking read-only channel, whose {@code read} returns EOF once every writer
	 * has left. Its open would wait for a writer, so one is held for the moment of the
	 * open.
	 * @return the channel
	 * @throws ClosedChannelException if this descriptor was closed
	 * @throws IOException if it cannot be opened
	 */
	synchronized FileChannel openReader() throws IOException {
		requireOpen();
		// This descriptor is a reader, so a non-blocking open for writing succeeds at
		// once.
		int writer = Posix.open(procPath(this.fd).toString(), Posix.O_WRONLY | Posix.O_NONBLOCK);
		try {
			return FileChannel.open(procPath(this.fd), StandardOpenOption.READ);
		}
		finally {
			Posix.close(writer);
		}
	}

	/**
	 * Open a new non-blocking native reader of the FIFO, for {@code poll} and reads that
	 * must not wait. The caller closes it with {@link Posix#close}.
	 * @return the descriptor number
	 * @throws ClosedChannelException if this descriptor was closed
	 * @throws IOException if it cannot be opened
	 */
	synchronized int openNonBlockingReader() throws IOException {
		requireOpen();
		return Posix.open(procPath(this.fd).toString(), Posix.O_RDONLY | Posix.O_NONBLOCK);
	}

	/**
	 * Open a new non-blocking native writer of the FIFO. The caller closes it with
	 * {@link Posix#close}.
	 * @return the descriptor number
	 * @throws ClosedChannelException if this descriptor was closed
	 * @throws IOException if it cannot be opened
	 */
	synchronized int openNonBlockingWriter() throws IOException {
		requireOpen();
		// This descriptor is a reader, so the open succeeds at once.
		return Posix.open(procPath(this.fd).toString(), Posix.O_WRONLY | Posix.O_NONBLOCK);
	}

	/**
	 * Tell, without waiting, whether every writer has left the FIFO, from this
	 * descriptor, open since before they came (see {@link PosixPoll#writersLeft}).
	 * @return whether no writer is left
	 * @throws ClosedChannelException if this descriptor was closed
	 * @throws IOException if it cannot be polled
	 */
	synchronized boolean writersLeft() throws IOException {
		requireOpen();
		return PosixPoll.writersLeft(this.fd);
	}

	/**
	 * Tell, without waiting, whether the FIFO holds bytes nobody read yet.
	 * @return whether it is empty
	 * @throws ClosedChannelException if this descriptor was closed
	 * @throws IOException if it cannot be polled
	 */
	synchronized boolean isEmpty() throws IOException {
		requireOpen();
		return !PosixPoll.hasInput(this.fd);
	}

	/**
	 * Tell how many bytes the FIFO holds that nobody read yet ({@code FIONREAD}), under
	 * the lock that {@link #close()} and the renewal of the descriptor take: once closed,
	 * the number may name another file.
	 * @return the count
	 * @throws IOException if the FIFO cannot be asked, also once this descriptor was
	 * closed: the FIFO may still hold bytes, but they cannot be told from here
	 */
	synchronized int unreadBytes() throws IOException {
		if (this.closed) {
			throw new IOException("Cannot tell what " + this.file.path() + " holds: its descriptor was closed");
		}
		return PosixPoll.unreadBytes(this.fd);
	}

	/**
	 * Replace the descriptor by a new one on the very same FIFO, opened with other flags
	 * (a fresh reader resets what {@code poll} reports of writers that came and went; a
	 * read-write one is what an <em>out</em> pipe needs). The new one is opened before
	 * the old one is closed, so the FIFO never loses its last reader meanwhile.
	 * @param flags the flags of {@code open(2)}
	 * @return the new descriptor number
	 * @throws ClosedChannelException if this descriptor was closed
	 * @throws IOException if it cannot be opened
	 */
	synchronized int reopen(int flags) throws IOException {
		return replace(flags, false);
	}

	/**
	 * Replace this reader by a fresh one, as {@link #reopen} does, unless the FIFO holds
	 * bytes once the fresh one is open: the client that wrote them may have left before
	 * the fresh one opened, which would then never report that departure; this one does.
	 * @throws ClosedChannelException if this descriptor was closed
	 * @throws IOException if it cannot be opened or polled
	 */
	synchronized void renewReaderIfEmpty() throws IOException {
		replace(Posix.O_RDONLY | Posix.O_NONBLOCK, true);
	}

	private int replace(int flags, boolean unlessInput) throws IOException {
		requireOpen();
		int fresh = Posix.open(procPath(this.fd).toString(), flags);
		int closed = fresh;
		try {
			if (!unlessInput || !PosixPoll.hasInput(fresh)) {
				closed = this.fd;
				this.fd = fresh;
			}
		}
		finally {
			Posix.close(closed);
		}
		return this.fd;
	}

	/**
	 * The descriptor number, for the event loop, which reads and writes it directly. Only
	 * valid until {@link #close()} or {@link #reopen}.
	 * @return the number
	 */
	int descriptor() {
		return this.fd;
	}

	@Override
	public synchronized void close() {
		if (!this.closed) {
			this.closed = true;
			Posix.close(this.fd);
		}
	}

	private void requireOpen() throws ClosedChannelException {
		if (this.closed) {
			throw new ClosedChannelException();
		}
	}

	private static Path procPath(int fd) {
		return Path.of("/proc/self/fd/" + fd);
	}

}
