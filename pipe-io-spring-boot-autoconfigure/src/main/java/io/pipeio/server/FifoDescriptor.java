package io.pipeio.server;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import org.jspecify.annotations.Nullable;

/**
 * A pipe path opened natively with {@code O_RDONLY | O_NOFOLLOW | O_NONBLOCK}, so the open neither
 * follows a symbolic link nor blocks on a FIFO without a writer, and then described from the
 * descriptor itself: what was opened is what gets checked, changed and used, however the path is
 * swapped meanwhile. Its mode is set with {@code fchmod}, and the {@link FileChannel}s the server
 * reads and writes are opened through {@code /proc/self/fd}, which reaches the very file behind
 * the descriptor rather than whatever the path names by then.
 * <p>
 * The JDK can do none of this ({@code mkfifo}, {@code fchmod}, opening with {@code O_NONBLOCK}),
 * so the C library is called through JNA.
 *
 * @author pipe-io
 */
final class FifoDescriptor implements AutoCloseable {

	private static final int O_RDONLY = 0;

	private static final int O_NONBLOCK = 04000;

	private static final int O_CLOEXEC = 02000000;

	/** Differs by architecture; 0 where unknown, and then nothing is opened. */
	private static final int O_NOFOLLOW = noFollowFlag();

	private static final int ELOOP = 40;

	private static final int ENOENT = 2;

	private static final int EEXIST = 17;

	private static final String ATTRIBUTES = "unix:mode,uid,nlink,fileKey";

	private static final Throwable LOAD_FAILURE;

	private static final @Nullable LibC LIBC;

	static {
		LibC loaded = null;
		Throwable failure = null;
		try {
			loaded = Native.load("c", LibC.class);
		}
		catch (Throwable ex) {
			failure = ex; // no JNA native stub for this platform: reported when a pipe is opened
		}
		LIBC = loaded;
		LOAD_FAILURE = (failure != null) ? failure
				: new UnsupportedOperationException("O_NOFOLLOW is not known for this architecture");
	}

	private final int fd;

	private final PipeFile file;

	private final int links;

	private boolean closed;

	private FifoDescriptor(int fd, PipeFile file, int links) {
		this.fd = fd;
		this.file = file;
		this.links = links;
	}

	/**
	 * Create a FIFO with mode {@code 0600} (less the umask) where nothing exists.
	 * @param path the path
	 * @throws PipeFileException if something appeared at the path meanwhile
	 * @throws IOException if it cannot be created
	 */
	static void mkfifo(Path path) throws IOException {
		try {
			libc().mkfifo(path.toString(), 0600);
		}
		catch (LastErrorException ex) {
			if (ex.getErrorCode() == EEXIST) {
				throw new PipeFileException(path, "Cannot create the FIFO " + path
						+ ": something was put there while it was being created. Remove it or configure another path.");
			}
			throw new IOException("mkfifo(" + path + ") failed with errno " + ex.getErrorCode(), ex);
		}
	}

	/**
	 * Open a path without following a link at its last component and without blocking, and
	 * describe what was opened.
	 * @param path the path
	 * @return the open descriptor; its {@link #file()} describes the opened file, not the path
	 * @throws PipeFileException if the path is a symbolic link or missing
	 * @throws IOException if it cannot be opened
	 */
	static FifoDescriptor open(Path path) throws IOException {
		LibC libc = libc();
		int fd;
		try {
			fd = libc.open(path.toString(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
		}
		catch (LastErrorException ex) {
			if (ex.getErrorCode() == ELOOP) {
				throw new PipeFileException(path, path + " is a symbolic link; pipe-io never follows one."
						+ " Remove it or configure another path.");
			}
			if (ex.getErrorCode() == ENOENT) {
				throw new PipeFileException(path, path + " disappeared while it was being opened");
			}
			throw new IOException("open(" + path + ") failed with errno " + ex.getErrorCode(), ex);
		}
		try {
			Map<String, Object> attributes = java.nio.file.Files.readAttributes(procPath(fd), ATTRIBUTES);
			int mode = (Integer) attributes.get("mode");
			PipeFile file = new PipeFile(path, FileKind.ofMode(mode), (Integer) attributes.get("uid"),
					attributes.get("fileKey"));
			return new FifoDescriptor(fd, file, (Integer) attributes.get("nlink"));
		}
		catch (IOException | RuntimeException ex) {
			closeNative(fd);
			throw ex;
		}
	}

	/** @return the opened file: its kind, owner and identity as the descriptor sees them */
	PipeFile file() {
		return this.file;
	}

	/** @return how many names the opened file has */
	int links() {
		return this.links;
	}

	/**
	 * Set the mode of the opened file exactly, whatever the umask.
	 * @param permissions the permissions
	 * @throws IOException if it cannot be changed
	 */
	synchronized void setPermissions(Set<PosixFilePermission> permissions) throws IOException {
		requireOpen();
		try {
			libc().fchmod(this.fd, toMode(permissions));
		}
		catch (LastErrorException ex) {
			throw new IOException("fchmod(" + this.file.path() + ") failed with errno " + ex.getErrorCode(), ex);
		}
	}

	/**
	 * Open a channel on the very file behind this descriptor. Opening for reading only blocks
	 * until the FIFO has a writer, so open a read-write channel first.
	 * @param options the open options
	 * @return the channel
	 * @throws ClosedChannelException if this descriptor was closed
	 * @throws IOException if it cannot be opened
	 */
	synchronized FileChannel openChannel(OpenOption... options) throws IOException {
		// Under the lock that close() takes: once closed, the number may name another file.
		requireOpen();
		return FileChannel.open(procPath(this.fd), options);
	}

	@Override
	public synchronized void close() {
		if (!this.closed) {
			this.closed = true;
			closeNative(this.fd);
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

	private static void closeNative(int fd) {
		try {
			libc().close(fd);
		}
		catch (LastErrorException | IOException ex) {
			// Only EBADF or EINTR; either way the descriptor is gone.
		}
	}

	private static int toMode(Set<PosixFilePermission> permissions) {
		int mode = 0;
		for (PosixFilePermission permission : permissions) {
			mode |= 0400 >> permission.ordinal();
		}
		return mode;
	}

	private static LibC libc() throws IOException {
		if (LIBC == null || O_NOFOLLOW == 0) {
			throw new IOException("pipe-io needs native calls (mkfifo, open with O_NOFOLLOW, fchmod) that are not"
					+ " available here (" + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")",
					LOAD_FAILURE);
		}
		return LIBC;
	}

	private static int noFollowFlag() {
		return switch (System.getProperty("os.arch", "")) {
			case "amd64", "x86_64", "x86", "i386", "i686", "s390x", "riscv64", "loongarch64" -> 0400000;
			case "aarch64", "arm", "ppc64", "ppc64le" -> 0100000;
			default -> 0;
		};
	}

	/**
	 * The part of the C library this class calls.
	 */
	interface LibC extends Library {

		int mkfifo(String path, int mode) throws LastErrorException;

		int open(String path, int flags) throws LastErrorException;

		int fchmod(int fd, int mode) throws LastErrorException;

		int close(int fd) throws LastErrorException;

	}

}
