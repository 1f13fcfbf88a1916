package io.pipeio.deadletter;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.function.Consumer;

import io.pipeio.server.OwnFiles;

/**
 * Rotates a full {@link DeadLetterFile}: the file becomes {@code <file>.1},
 * {@code <file>.1} becomes {@code <file>.2} and so on, and the oldest beyond the history
 * is deleted.
 *
 * @author pipe-io
 */
final class DeadLetterRotation {

	private final DeadLetterSettings settings;

	/**
	 * Called with each name a file is about to be renamed to, once that name was checked:
	 * lets a test put a file there in between, as another user could.
	 */
	Consumer<Path> beforeMove = (target) -> {
	};

	DeadLetterRotation(DeadLetterSettings settings) {
		this.settings = settings;
	}

	/**
	 * Rotate the file, closed by the caller.
	 * @throws IOException if a file cannot be renamed or deleted
	 */
	void rotate() throws IOException {
		Path file = this.settings.file();
		int history = this.settings.maxHistory();
		if (history == 0) {
			deleteOwn(file);
		}
		else {
			deleteOwn(rotated(history));
			for (int i = history - 1; i >= 1; i--) {
				moveOwn(rotated(i), rotated(i + 1));
			}
			moveOwn(file, rotated(1));
		}
	}

	private Path rotated(int index) {
		Path file = this.settings.file();
		return file.resolveSibling(file.getFileName() + "." + index);
	}

	private static void deleteOwn(Path path) throws IOException {
		if (checkOwnRegularFile(path)) {
			Files.delete(path);
		}
	}

	private void moveOwn(Path source, Path target) throws IOException {
		if (checkOwnRegularFile(source)) {
			checkOwnRegularFile(target);
			this.beforeMove.accept(target);
			// Checked free, but another user may have put a file there since.
			OwnFiles.moveNoReplace(source, target);
		}
	}

	/**
	 * Check that a path, if it exists, is a regular file of this user, without following
	 * links.
	 * @return whether it exists
	 */
	private static boolean checkOwnRegularFile(Path path) throws IOException {
		PosixFileAttributes attributes;
		try {
			attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		if (!attributes.isRegularFile()) {
			throw new FileSystemException(path.toString(), null,
					"not a regular file (a link, FIFO or directory); a dead-letter file is never written through"
							+ " one: remove it or choose another file");
		}
		int uid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
		if (uid != Owner.CURRENT_UID) {
			throw new FileSystemException(path.toString(), null, "owned by uid " + uid + ", not by this user (uid "
					+ Owner.CURRENT_UID + "); a dead-letter file of another user is never used: choose another file");
		}
		return true;
	}

	/** The uid of this process, read once. */
	private static final class Owner {

		static final int CURRENT_UID = readUid();

		private static int readUid() {
			try {
				return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot read the uid of this process from /proc/self", ex);
			}
		}

	}

}
