package io.pipeio.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The lock file of a pipe directory, {@value #NAME}, held locked by the one process that
 * serves pipes there. The lock is an {@code fcntl} lock ({@link FileChannel#tryLock()}):
 * the kernel releases it when the process dies, even by {@code kill -9}, so a restart
 * never finds a stale lock, only perhaps a stale file, which it reuses. The holder writes
 * its process id into the file so that a second process can say who holds it.
 * <p>
 * Race-free removal: the process that created the file unlinks it while it still holds
 * the lock, and whoever gets the lock checks afterwards that the path still names the
 * file it locked, starting over otherwise. So a lock taken on a file that was just
 * unlinked is never trusted.
 * <p>
 * The file is described from the opened descriptor, not from its path: only a regular
 * file of this user with a single name is written to.
 * <p>
 * An {@code fcntl} lock belongs to the process and is dropped when the process closes
 * <em>any</em> descriptor of the file; this process therefore opens each lock file once
 * ({@link DirectoryLocks}) and must never open it otherwise while holding it.
 *
 * @author pipe-io
 */
final class LockFile {

	/** The name of the lock file in a pipe directory. */
	static final String NAME = ".pipe-io.lock";

	/** Turns after which a lock file that keeps being replaced is given up on. */
	private static final int MAX_ATTEMPTS = 100;

	/** A process id and a newline, or nothing (a holder that has not written it yet). */
	private static final Pattern CONTENT = Pattern.compile("[0-9]{0,20}\\s?");

	private static final int MAX_CONTENT = 22;

	private static final Set<PosixFilePermission> PERMISSIONS = PosixFilePermissions.fromString("rw-------");

	private static final FileAttribute<Set<PosixFilePermission>> CREATE_PERMISSIONS = PosixFilePermissions
		.asFileAttribute(PERMISSIONS);

	/**
	 * Descriptors of lock files held by another copy of pipe-io in this JVM (another
	 * class loader), kept open on purpose: closing one would drop that copy's lock.
	 * Guarded by itself.
	 */
	private static final List<FileChannel> parked = new ArrayList<>();

	private final FileChannel channel;

	private final PipeFile file;

	private final boolean created;

	private LockFile(FileChannel channel, PipeFile file, boolean created) {
		this.channel = channel;
		this.file = file;
		this.created = created;
	}

	/**
	 * Create (if missing), open and lock the lock file of a directory, and write this
	 * process's id into it. Nothing else on disk is touched.
	 * @param directory an existing directory, symbolic links resolved
	 * @param failure how a message of failure starts, saying what was being done, such as
	 * {@link #startFailure}
	 * @return the locked file
	 * @throws PipeInUseException if another process holds the lock
	 * @throws PipeFileException if something other than a lock file is at its path
	 * @throws IOException if the file cannot be created, opened or locked
	 */
	static LockFile lock(Path directory, String failure) throws IOException {
		Path path = directory.resolve(NAME);
		for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
			PipeFile found = PipeFile.inspect(path);
			checkUsable(found, PipeFiles.currentUid(), failure);
			OpenedLockFile opened;
			try {
				if (found.isMissing()) {
					// O_CREAT | O_EXCL: never through a link
					Files.createFile(path, CREATE_PERMISSIONS);
				}
				opened = OpenedLockFile.open(path, failure);
			}
			catch (FileAlreadyExistsException | NoSuchFileException ex) {
				continue; // created or removed by another process since it was inspected
			}
			catch (AccessDeniedException ex) {
				throw new PipeFileException(path, failure + "this user may not "
						+ (found.isMissing() ? "create" : "open") + " the lock file " + path
						+ ". pipe-io locks the directory of its pipes so that no two servers share them; let this"
						+ " user write there, or configure another pipe-io.directory.");
			}
			LockFile locked = lockOpened(opened, found, failure);
			if (locked != null) {
				return locked;
			}
		}
		throw new IOException(failure + "the lock file " + path + " was replaced " + MAX_ATTEMPTS
				+ " times while it was being locked; something keeps deleting it.");
	}

	/**
	 * Lock a just opened file and make it this process's.
	 * @return the locked file, or {@code null} to start over (the path changed meanwhile)
	 */
	private static @Nullable LockFile lockOpened(OpenedLockFile openedFile, PipeFile found, String failure)
			throws IOException {
		FileChannel opened = openedFile.channel();
		boolean keepOpen = false;
		try {
			PipeFile file = PipeFile.inspect(found.path());
			boolean created = found.isMissing();
			if (!file.isSameFile(openedFile.file()) || (!created && !file.isSameFile(found))) {
				return null; // deleted or replaced between inspecting and opening it
			}
			if (created) {
				// Exact whatever the umask, so that a later holder can open it
				// read-write. Done before locking: setting it opens and closes the file,
				// which would drop the lock.
				Files.getFileAttributeView(file.path(), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
					.setPermissions(PERMISSIONS);
			}
			FileLock lock;
			try {
				lock = opened.tryLock();
			}
			catch (OverlappingFileLockException ex) {
				keepOpen = true;
				synchronized (parked) {
					parked.add(opened);
				}
				throw inUse(file.path(), failure, "this process (" + ProcessHandle.current().pid()
						+ "), through another copy of pipe-io in another class loader,", true);
			}
			if (lock == null) {
				throw inUse(file.path(), failure, describeHolder(readContent(opened)), false);
			}
			if (!file.isStillThere()) {
				// unlinked by its holder as it released it: that lock guards nothing
				return null;
			}
			String content = readContent(opened);
			if (!created && !CONTENT.matcher(content).matches()) {
				throw new PipeFileException(file.path(),
						failure + "the file " + file.path()
								+ " holds something other than the process id pipe-io writes into its lock file. Remove"
								+ " it or configure another pipe-io.directory; pipe-io never changes files it did not"
								+ " create.");
			}
			writeProcessId(opened);
			keepOpen = true;
			return new LockFile(opened, file, created);
		}
		finally {
			if (!keepOpen) {
				closeQuietly(opened);
			}
		}
	}

	/**
	 * Refuse, touching nothing, anything but nothing or a regular file of this user.
	 * @param found what is at the lock path
	 * @param uid this process's user id, or -1 when unknown
	 * @param failure how a message of failure starts
	 * @throws PipeFileException if it cannot be the lock file
	 */
	static void checkUsable(PipeFile found, int uid, String failure) throws PipeFileException {
		Path path = found.path();
		if (found.isMissing()) {
			return;
		}
		if (found.kind() != FileKind.REGULAR_FILE) {
			throw new PipeFileException(path, failure + "found " + found.kind().description() + " at " + path
					+ ", where pipe-io keeps its lock file. Remove it or configure another"
					+ " pipe-io.directory; pipe-io never follows links and never deletes files it did not create.");
		}
		if (uid >= 0 && found.uid() != uid) {
			throw new PipeFileException(path, failure + "the lock file " + path + " belongs to user id " + found.uid()
					+ ", not to this process (" + uid + "). Remove it or configure another pipe-io.directory.");
		}
	}

	/**
	 * Remove the file if this process created it, then unlock it. Unlinking comes first,
	 * while the lock is still held, so that whoever locks the old file next sees it gone
	 * and retries.
	 */
	void release() {
		try {
			if (this.created && this.file.isStillThere()) {
				Files.deleteIfExists(this.file.path());
			}
		}
		catch (IOException ex) {
			// Left in place: the next holder reuses it.
		}
		finally {
			closeQuietly(this.channel);
		}
	}

	/**
	 * @return whether its path still names the locked file: not if it was deleted, or its
	 * directory with it
	 */
	boolean isStillThere() {
		return this.file.isStillThere();
	}

	/**
	 * @return the path of the lock file
	 */
	Path path() {
		return this.file.path();
	}

	private static void writeProcessId(FileChannel channel) throws IOException {
		ByteBuffer pid = ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
		channel.truncate(0);
		while (pid.hasRemaining()) {
			channel.write(pid, pid.position());
		}
	}

	private static String readContent(FileChannel channel) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(MAX_CONTENT + 1);
		while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
			// read to the end or the limit
		}
		return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
	}

	private static String describeHolder(String content) {
		String pid = content.strip();
		if (CONTENT.matcher(content).matches() && !pid.isEmpty()) {
			return "process " + pid;
		}
		return "another process (which has not written its id into the lock file yet)";
	}

	private static PipeInUseException inUse(Path path, String failure, String holder, boolean thisJvm) {
		return new PipeInUseException(path,
				failure + "another pipe-io server serves this" + " directory: " + holder + " holds its lock file "
						+ path + ". Two servers on one directory would"
						+ " replace each other's pipes and split their lines; stop that process or configure another"
						+ " pipe-io.directory.",
				thisJvm);
	}

	/**
	 * How a failure to lock a directory's file for a channel's start is told.
	 * @param channel the channel being started
	 * @param directory the directory
	 * @return the start of the message, to be followed by what is wrong
	 */
	static String startFailure(String channel, Path directory) {
		return "Cannot start channel '" + channel + "' in " + directory + ": ";
	}

	private static void closeQuietly(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Closing only fails if already closed; the lock is released either way.
		}
	}

}
