package io.pipeio.server;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import org.jspecify.annotations.Nullable;

/**
 * The few C library calls the engine needs and the JDK does not offer: creating a FIFO,
 * opening without following a link or blocking, creating a directory relative to an open
 * one, {@code fchmod}, reading and writing without waiting, {@code eventfd} and
 * {@code poll} ({@link PosixPoll} calls these two), and renaming without replacing
 * ({@link PosixRenames}). Called through JNA. Failures are {@link IOException}s that
 * carry the {@code errno} ({@link #errno}).
 *
 * @author pipe-io
 */
final class Posix {

	static final int O_RDONLY = 0;

	static final int O_WRONLY = 1;

	static final int O_RDWR = 2;

	static final int O_APPEND = 02000;

	static final int O_NONBLOCK = 04000;

	static final int O_CLOEXEC = 02000000;

	/**
	 * A descriptor that only names a file: it can be described and reopened through
	 * {@code /proc/self/fd}, but neither reads nor writes, and closing it drops no
	 * {@code fcntl} lock of this process.
	 */
	static final int O_PATH = 010000000;

	/**
	 * A pipe's largest size (Linux's default {@code pipe-max-size}): at most this much is
	 * read to count lines left in one, as writers may go on writing.
	 */
	static final int MAX_COUNTED = 1024 * 1024;

	/** Differs by architecture; 0 where unknown, and then nothing is opened. */
	static final int O_NOFOLLOW = noFollowFlag();

	/** Differs by architecture like {@link #O_NOFOLLOW}; 0 where unknown. */
	static final int O_DIRECTORY = directoryFlag();

	static final int EPERM = 1;

	static final int ENOENT = 2;

	static final int EINTR = 4;

	static final int ENXIO = 6;

	static final int EAGAIN = 11;

	static final int EACCES = 13;

	static final int EEXIST = 17;

	static final int ENOTDIR = 20;

	static final int EISDIR = 21;

	static final int EINVAL = 22;

	static final int ENOSPC = 28;

	static final int EROFS = 30;

	static final int ENOSYS = 38;

	static final int ELOOP = 40;

	private static final Throwable LOAD_FAILURE;

	private static final @Nullable LibC LIBC;

	static {
		LibC loaded = null;
		Throwable failure = null;
		try {
			loaded = Native.load("c", LibC.class);
		}
		catch (Throwable ex) {
			// no JNA native stub for this platform: reported when a pipe is opened
			failure = ex;
		}
		LIBC = loaded;
		LOAD_FAILURE = (failure != null) ? failure
				: new UnsupportedOperationException("O_NOFOLLOW is not known for this architecture");
	}

	private Posix() {
	}

	static void mkfifo(String path, int mode) throws IOException {
		try {
			libc().mkfifo(cString(path), mode);
		}
		catch (LastErrorException ex) {
			throw failure("mkfifo(" + path + ")", ex);
		}
	}

	static int open(String path, int flags) throws IOException {
		try {
			return libc().open(cString(path), flags | O_CLOEXEC);
		}
		catch (LastErrorException ex) {
			throw failure("open(" + path + ")", ex);
		}
	}

	/**
	 * Open a name relative to an open directory, as {@code openat} does.
	 * @param directory the directory's descriptor (may be opened with {@link #O_PATH})
	 * @param name the name in it
	 * @param flags the flags; {@link #O_CLOEXEC} is added
	 * @return the new descriptor
	 */
	static int openAt(int directory, String name, int flags) throws IOException {
		try {
			return libc().openat(directory, cString(name), flags | O_CLOEXEC);
		}
		catch (LastErrorException ex) {
			throw failure("openat(" + name + ")", ex);
		}
	}

	/**
	 * Create a directory by name inside an open directory, as {@code mkdirat} does: the
	 * name is looked up in that very directory, whatever its path names by then, and a
	 * symbolic link at the name is not followed (the call fails with {@link #EEXIST}).
	 * @param directory the directory's descriptor (may be opened with {@link #O_PATH})
	 * @param name the name in it
	 * @param mode the mode, less the umask
	 */
	static void mkdirAt(int directory, String name, int mode) throws IOException {
		try {
			libc().mkdirat(directory, cString(name), mode);
		}
		catch (LastErrorException ex) {
			throw failure("mkdirat(" + name + ")", ex);
		}
	}

	/**
	 * A path as the C library takes it: the bytes JNA makes of a {@code String} argument
	 * (its default encoding) and a terminating NUL. An array is copied for the call only,
	 * where a {@code String} costs a native allocation and a cleaner registration per
	 * call, which starting thousands of channels makes many of.
	 */
	static byte[] cString(String path) {
		return Native.toByteArray(path, Native.getDefaultStringEncoding());
	}

	/**
	 * @return the mode bits of permissions, as {@code chmod} takes them
	 */
	static int modeBits(Set<PosixFilePermission> permissions) {
		int mode = 0;
		for (PosixFilePermission permission : permissions) {
			mode |= 0400 >> permission.ordinal();
		}
		return mode;
	}

	static void fchmod(int fd, int mode) throws IOException {
		try {
			libc().fchmod(fd, mode);
		}
		catch (LastErrorException ex) {
			throw failure("fchmod", ex);
		}
	}

	/**
	 * Read what is there without waiting, from a descriptor opened with
	 * {@link #O_NONBLOCK}.
	 * @return the bytes read, 0 at EOF, -1 when nothing is there yet
	 */
	static int readNow(int fd, byte[] buffer) throws IOException {
		return readNow(fd, buffer, buffer.length);
	}

	/**
	 * Read at most {@code length} bytes of what is there without waiting, from a
	 * descriptor opened with {@link #O_NONBLOCK}.
	 * @return the bytes read, 0 at EOF, -1 when nothing is there yet
	 */
	static int readNow(int fd, byte[] buffer, int length) throws IOException {
		try {
			return libc().read(fd, buffer, new NativeLong(length)).intValue();
		}
		catch (LastErrorException ex) {
			return nothingYetOr("read", ex);
		}
	}

	/**
	 * Read what is there without waiting into native memory, from a descriptor opened
	 * with {@link #O_NONBLOCK}.
	 * @return the bytes read, 0 at EOF, -1 when nothing is there yet
	 */
	static int readNow(int fd, Pointer buffer, int length) throws IOException {
		HotPathCalls calls = HotPathCalls.INSTANCE;
		if (calls != null) {
			long read = calls.read(fd, Pointer.nativeValue(buffer), length);
			// Passed as an address: its memory would be freed if it were collected.
			Reference.reachabilityFence(buffer);
			return (read >= 0) ? (int) read : nothingYetOr("read", calls.lastError());
		}
		try {
			return libc().read(fd, buffer, new NativeLong(length)).intValue();
		}
		catch (LastErrorException ex) {
			return nothingYetOr("read", ex);
		}
	}

	/**
	 * Write what the descriptor takes without waiting, from native memory, to a
	 * descriptor opened with {@link #O_NONBLOCK}.
	 * @return the bytes written, -1 when the pipe is full
	 */
	static int writeNow(int fd, Pointer buffer, int length) throws IOException {
		HotPathCalls calls = HotPathCalls.INSTANCE;
		if (calls != null) {
			long written = calls.write(fd, Pointer.nativeValue(buffer), length);
			Reference.reachabilityFence(buffer);
			return (written >= 0) ? (int) written : nothingYetOr("write", calls.lastError());
		}
		try {
			return libc().write(fd, buffer, new NativeLong(length)).intValue();
		}
		catch (LastErrorException ex) {
			return nothingYetOr("write", ex);
		}
	}

	/**
	 * Count the lines in bytes already read into a buffer and in what a non-blocking
	 * descriptor gives without waiting, up to a limit (writers may go on writing): each
	 * newline ends one, and a last line without its newline counts too.
	 * @param fd the descriptor, opened with {@link #O_NONBLOCK}
	 * @param buffer the buffer, holding {@code alreadyRead} bytes to count first
	 * @param alreadyRead how many bytes of the buffer to count before reading
	 * @param max read no more than about this many bytes
	 * @return the lines
	 */
	static long countLines(int fd, byte[] buffer, int alreadyRead, long max) throws IOException {
		long lines = 0;
		long total = 0;
		byte last = '\n';
		int read = alreadyRead;
		while (true) {
			for (int i = 0; i < read; i++) {
				if (buffer[i] == '\n') {
					lines++;
				}
			}
			if (read > 0) {
				last = buffer[read - 1];
				total += read;
			}
			if (total >= max || (read = readNow(fd, buffer)) <= 0) {
				return (last != '\n') ? lines + 1 : lines;
			}
		}
	}

	/**
	 * Close a descriptor; only a descriptor number this code owns may be passed, exactly
	 * once.
	 */
	static void close(int fd) {
		try {
			libc().close(fd);
		}
		catch (LastErrorException | IOException ex) {
			// EBADF or EINTR: either way the descriptor is gone.
		}
	}

	/**
	 * @return the {@code errno} of a failure thrown here, or 0
	 */
	static int errno(IOException ex) {
		return (ex.getCause() instanceof LastErrorException cause) ? cause.getErrorCode() : 0;
	}

	static IOException failure(String call, LastErrorException ex) {
		return new IOException(call + " failed with errno " + ex.getErrorCode() + describe(ex.getErrorCode()), ex);
	}

	/**
	 * The C library's words for an error number, so that an operator reads "Too many open
	 * files" rather than a number.
	 * @return {@code " (text)"}, or nothing where the library cannot tell
	 */
	private static String describe(int errno) {
		LibC libc = LIBC;
		if (libc == null) {
			return "";
		}
		try {
			String text = libc.strerror(errno);
			return (text != null && !text.isBlank()) ? " (" + text + ")" : "";
		}
		catch (RuntimeException | LinkageError ex) {
			return "";
		}
	}

	/**
	 * After a hot-path call returned -1: {@code EAGAIN} is no failure.
	 * @return -1 if the call would have had to wait
	 * @throws IOException for any other error
	 */
	private static int nothingYetOr(String call, int errno) throws IOException {
		if (errno == EAGAIN) {
			return -1;
		}
		throw failure(call, errno);
	}

	/**
	 * After a JNA call failed: {@code EAGAIN} is no failure.
	 * @return -1 if the call would have had to wait
	 * @throws IOException for any other error
	 */
	private static int nothingYetOr(String call, LastErrorException ex) throws IOException {
		if (ex.getErrorCode() == EAGAIN) {
			return -1;
		}
		throw failure(call, ex);
	}

	/**
	 * @return the failure of a direct call, errno in the message as for
	 * {@link #failure(String, LastErrorException)}
	 */
	static IOException failure(String call, int errno) {
		return new IOException(call + " failed with errno " + errno + describe(errno), new LastErrorException(errno));
	}

	static LibC libc() throws IOException {
		if (LIBC == null || O_NOFOLLOW == 0) {
			throw new IOException("pipe-io needs native calls (mkfifo, open with O_NOFOLLOW, fchmod, poll) that"
					+ " are not available here (" + System.getProperty("os.name") + " " + System.getProperty("os.arch")
					+ ")", LOAD_FAILURE);
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

	private static int directoryFlag() {
		return switch (System.getProperty("os.arch", "")) {
			case "amd64", "x86_64", "x86", "i386", "i686", "s390x", "riscv64", "loongarch64" -> 0200000;
			case "aarch64", "arm", "ppc64", "ppc64le" -> 040000;
			default -> 0;
		};
	}

	/**
	 * The part of the C library this class calls.
	 */
	interface LibC extends Library {

		int epoll_create1(int flags) throws LastErrorException;

		int epoll_ctl(int epfd, int op, int fd, Pointer event) throws LastErrorException;

		int epoll_wait(int epfd, Pointer events, int maxEvents, int timeout) throws LastErrorException;

		NativeLong read(int fd, Pointer buffer, NativeLong count) throws LastErrorException;

		int mkfifo(byte[] path, int mode) throws LastErrorException;

		int open(byte[] path, int flags) throws LastErrorException;

		int openat(int directory, byte[] path, int flags) throws LastErrorException;

		int mkdirat(int directory, byte[] path, int mode) throws LastErrorException;

		int fchmod(int fd, int mode) throws LastErrorException;

		int renameat2(int oldDirectory, String oldPath, int newDirectory, String newPath, int flags)
				throws LastErrorException;

		int link(String oldPath, String newPath) throws LastErrorException;

		int unlink(String path) throws LastErrorException;

		NativeLong read(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

		NativeLong write(int fd, Pointer buffer, NativeLong count) throws LastErrorException;

		int close(int fd) throws LastErrorException;

		int eventfd(int initval, int flags) throws LastErrorException;

		int inotify_init1(int flags) throws LastErrorException;

		int inotify_add_watch(int fd, byte[] path, int mask) throws LastErrorException;

		int inotify_rm_watch(int fd, int wd) throws LastErrorException;

		int poll(Pointer fds, int nfds, int timeout) throws LastErrorException;

		int ioctl(int fd, NativeLong request, Pointer value) throws LastErrorException;

		int fcntl(int fd, int command, int argument) throws LastErrorException;

		int pipe2(int[] fds, int flags) throws LastErrorException;

		NativeLong tee(int in, int out, NativeLong length, int flags) throws LastErrorException;

		String strerror(int errno);

	}

}
