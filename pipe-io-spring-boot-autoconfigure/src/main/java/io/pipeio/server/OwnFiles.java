package io.pipeio.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Opens a regular file of this process's user for appending the way the engine opens its
 * FIFOs: the file is created with mode {@code 0600} if missing, the open neither follows
 * a symbolic link nor blocks on a FIFO, and the checks are made on the descriptor, so
 * what is written to is what was checked, however the path is swapped meanwhile. Used for
 * the files pipe-io writes beside its pipes, such as dead-letter files. A file with a
 * second name (a hard link) is refused too, as the FIFOs the engine creates are.
 *
 * @author pipe-io
 */
public final class OwnFiles {

	private static final FileAttribute<Set<PosixFilePermission>> PERMISSIONS = PosixFilePermissions
		.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

	private OwnFiles() {
	}

	/**
	 * Make sure the directory of files of this user's own (dead letters) exists, and is
	 * as safe as a pipe directory: not writable by another user (unless sticky), not
	 * another user's, reached through no link another user can change. Otherwise another
	 * user could redirect what is written there into a file of their choosing.
	 * @param directory the directory, absolute
	 * @param what what it holds, for messages
	 * @throws UnsafeDirectoryException if it or an ancestor is unsafe
	 * @throws IOException if it cannot be inspected or created
	 */
	public static void prepareDirectory(Path directory, String what) throws IOException {
		PipeDirectories.prepareFor(what, directory.normalize(), PosixFilePermissions.fromString("rwx------"), true);
	}

	/**
	 * Open a file of lines for appending, creating it if missing (its directory must
	 * exist). Nothing is written: whether its last line was cut short is told, for the
	 * caller to end it with the next line it writes (writing a newline now could fail on
	 * a full disk, where nothing else needs writing yet).
	 * @param file the file
	 * @return the file, opened to append to it
	 * @throws FileSystemException if the path is not a regular file (a link, a FIFO, a
	 * directory), belongs to another user or has another name; nothing is written through
	 * it
	 * @throws IOException if it cannot be created or opened
	 */
	public static LineFile openForAppend(Path file) throws IOException {
		try {
			createNew(file);
		}
		catch (FileAlreadyExistsException ex) {
			// appended to once the opened file is checked
		}
		int fd;
		try {
			fd = Posix.open(file.toString(), Posix.O_WRONLY | Posix.O_APPEND | Posix.O_NOFOLLOW | Posix.O_NONBLOCK);
		}
		catch (IOException ex) {
			int errno = Posix.errno(ex);
			// ELOOP: a link; ENXIO: a FIFO without a reader (a non-blocking open for
			// writing refuses it rather than wait); EISDIR: a directory
			if (errno == Posix.ELOOP || errno == Posix.ENXIO || errno == Posix.EISDIR) {
				throw notRegular(file);
			}
			if (errno == Posix.ENOENT) {
				throw new FileSystemException(file.toString(), null, "removed while it was being opened");
			}
			throw ex;
		}
		try {
			Path opened = Path.of("/proc/self/fd/" + fd);
			Map<String, Object> attributes = Files.readAttributes(opened, "unix:mode,uid,nlink");
			if (FileKind.ofMode(PipeFile.intAttribute(attributes, "mode")) != FileKind.REGULAR_FILE) {
				throw notRegular(file);
			}
			checkSingleName(file, PipeFile.intAttribute(attributes, "nlink"));
			int uid = PipeFile.intAttribute(attributes, "uid");
			int currentUid = PipeFiles.currentUid();
			if (currentUid >= 0 && uid != currentUid) {
				throw new FileSystemException(file.toString(), null,
						"owned by uid " + uid + ", not by this user (uid " + currentUid
								+ "); pipe-io never writes to a file of another user:"
								+ " remove it or choose another file");
			}
			// The same open file, reached through the descriptor rather than the path.
			FileChannel channel = FileChannel.open(opened, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
			try {
				return new LineFile(channel, endsInsideALine(opened));
			}
			catch (IOException ex) {
				channel.close();
				throw ex;
			}
		}
		finally {
			Posix.close(fd);
		}
	}

	/**
	 * Create an empty file of this user, {@code rw-------}, where nothing is.
	 * @param file the path, in an existing directory
	 * @throws FileAlreadyExistsException if anything is at the path, a link included
	 * (even one to nowhere): nothing is created through it
	 * @throws IOException if it cannot be created
	 */
	public static void createNew(Path file) throws IOException {
		// O_CREAT | O_EXCL: creates a file or fails, whatever is at the path.
		Files.createFile(file, PERMISSIONS);
	}

	/**
	 * Swap the files at two names of a directory atomically: at no instant is either name
	 * free, so nobody can put a file at one in between, as they could between a rename
	 * away and a new create.
	 * @param one a file
	 * @param other another file, in the same file system
	 * @return {@code true} if they were swapped, {@code false}, changing nothing, where
	 * the C library, the kernel or the file system cannot swap names
	 * @throws NoSuchFileException if either is missing: both are left alone
	 * @throws IOException if they cannot be swapped
	 */
	public static boolean exchange(Path one, Path other) throws IOException {
		try {
			return PosixRenames.exchange(one.toString(), other.toString());
		}
		catch (IOException ex) {
			if (Posix.errno(ex) == Posix.ENOENT) {
				throw new NoSuchFileException(one.toString(), other.toString(), "cannot swap them: one is missing");
			}
			throw ex;
		}
	}

	/**
	 * Rename a file to a name nothing has, never replacing what is there by then: a check
	 * that the name is free followed by a rename (what {@link Files#move} does) would
	 * replace a file another user put there in between, and a process running as root may
	 * replace anyone's.
	 * @param source the file
	 * @param target its new name
	 * @throws FileAlreadyExistsException if something is at the target: both are left
	 * alone
	 * @throws IOException if it cannot be renamed
	 */
	public static void moveNoReplace(Path source, Path target) throws IOException {
		try {
			PosixRenames.renameNoReplace(source.toString(), target.toString());
		}
		catch (IOException ex) {
			int errno = Posix.errno(ex);
			if (errno == Posix.EEXIST) {
				throw new FileAlreadyExistsException(target.toString(), null, "cannot rename " + source.getFileName()
						+ " to it: something was put there meanwhile; pipe-io never replaces a file it did not create");
			}
			if (errno == Posix.ENOENT) {
				throw new NoSuchFileException(source.toString(), target.toString(), ex.getMessage());
			}
			throw new IOException("Cannot rename " + source + " to " + target + " (" + ex.getMessage()
					+ "): pipe-io renames only with calls that never replace a file put there, renameat2 with"
					+ " RENAME_NOREPLACE or else link, which this file system may not offer", ex);
		}
	}

	/**
	 * A file of lines that does not end with a newline holds a line cut short (a write
	 * that failed part-way, a crash).
	 */
	private static boolean endsInsideALine(Path opened) throws IOException {
		try (FileChannel reader = FileChannel.open(opened, StandardOpenOption.READ)) {
			long size = reader.size();
			ByteBuffer last = ByteBuffer.allocate(1);
			return size > 0 && reader.read(last, size - 1) == 1 && last.get(0) != '\n';
		}
	}

	/**
	 * Refuse a file that has another name than the path it was opened by (or none left):
	 * where {@code fs.protected_hardlinks} is 0, another user may give any file of this
	 * user, one it must never write to, a name in a directory they can write to.
	 * @param file the path it was opened by
	 * @param links its link count, read from the opened descriptor
	 * @throws FileSystemException if it has not exactly one name
	 */
	private static void checkSingleName(Path file, int links) throws FileSystemException {
		if (links == 0) {
			throw new FileSystemException(file.toString(), null, "removed while it was being opened");
		}
		if (links != 1) {
			throw new FileSystemException(file.toString(), null,
					"the file has " + links + " names (hard links), so its content may belong elsewhere; pipe-io"
							+ " never writes to a file with another name: remove this name or choose another file");
		}
	}

	private static FileSystemException notRegular(Path file) {
		return new FileSystemException(file.toString(), null,
				"not a regular file (a link, FIFO or directory); pipe-io never writes through one:"
						+ " remove it or choose another file");
	}

	/**
	 * A file of lines opened for appending.
	 *
	 * @param channel the open file, appending
	 * @param endsInsideALine whether its last line was cut short: the next line written
	 * must begin with a newline, or it would be glued to that one
	 */
	public record LineFile(FileChannel channel, boolean endsInsideALine) {

	}

}
