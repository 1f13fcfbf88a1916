package io.pipeio.deadletter;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.pipeio.server.OwnFiles;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Rotates a full {@link DeadLetterFile}: the file becomes {@code <file>.1},
 * {@code <file>.1} becomes {@code <file>.2} and so on up to the first free name, and the
 * oldest beyond the history is deleted.
 * <p>
 * Only files this user created are renamed or deleted: regular files of this user with a
 * single name ({@link OwnNames}). In a directory another user may write to (a sticky one
 * such as {@code /tmp}), that user can take a name of the history before rotation reaches
 * it; such a name is skipped and left alone, and the history goes on at the next free
 * names ({@code .1}, {@code .3}, {@code .4} around another user's {@code .2}), so that it
 * costs no dead letter and does not stop them. Each rotation that skips names logs a
 * warning naming them. A file is renamed only to a free name, never replacing what is put
 * there after the check ({@link OwnFiles#moveNoReplace}); a name taken meanwhile is
 * skipped on a second look.
 *
 * @author pipe-io
 */
final class DeadLetterRotation {

	/**
	 * How many taken names a rotation skips at most: beyond that the write fails, so that
	 * nobody can make it look at names without end.
	 */
	static final int MAX_SKIPPED = 100;

	/** Looks at the names, each after a name was taken while the files were renamed. */
	private static final int MAX_ATTEMPTS = 3;

	private static final Log logger = LogFactory.getLog(DeadLetterFile.class);

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
	 * @throws IOException if a file cannot be renamed or deleted, or too many names of
	 * the history are taken
	 */
	void rotate() throws IOException {
		Path file = this.settings.file();
		if (this.settings.maxHistory() == 0) {
			String holder = OwnNames.takenBy(file);
			if (holder != null) {
				throw new FileSystemException(file.toString(), null,
						holder + "; pipe-io never deletes a file it did not create: remove it or choose another file");
			}
			Files.deleteIfExists(file);
			return;
		}
		for (int attempt = 1;; attempt++) {
			try {
				shift(file);
				return;
			}
			catch (FileAlreadyExistsException ex) {
				if (attempt == MAX_ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	/**
	 * Rename each file of the history to the next of the names this rotation may use, up
	 * to the first free one, deleting the oldest if none is free, and the file to the
	 * first.
	 * @throws FileAlreadyExistsException if a name was taken since it was looked at
	 */
	private void shift(Path file) throws IOException {
		int history = this.settings.maxHistory();
		List<Path> names = new ArrayList<>(history);
		List<String> taken = new ArrayList<>();
		for (int index = 1; names.size() < history && index <= history + MAX_SKIPPED; index++) {
			Path name = rotated(index);
			String holder = OwnNames.takenBy(name);
			if (holder == null) {
				names.add(name);
			}
			else {
				taken.add(name + " (" + holder + ")");
			}
		}
		if (names.size() < history) {
			throw new FileSystemException(file.toString(), null,
					"cannot be rotated: of the names " + rotated(1).getFileName() + " to "
							+ rotated(history + MAX_SKIPPED).getFileName() + ", " + taken.size()
							+ " are taken by what pipe-io did not create (" + taken.get(0)
							+ "), which it never renames or deletes; this dead letter is lost. Remove them, or put"
							+ " the dead-letter file in a directory only this user can write to");
		}
		if (!taken.isEmpty()) {
			logger.warn("Dead-letter file " + file + " was rotated around names taken by what pipe-io did not create,"
					+ " left alone: " + String.join(", ", taken) + ". Remove them, or put the dead-letter file in a"
					+ " directory only this user can write to");
		}
		// Files move up to the first free name only: a gap (a rotated file removed, a
		// rotation cut short) costs no file of the history.
		int free = 0;
		while (free < history && Files.exists(names.get(free), LinkOption.NOFOLLOW_LINKS)) {
			free++;
		}
		if (free == history) {
			free = history - 1;
			if (OwnNames.isOwn(names.get(free))) {
				Files.delete(names.get(free));
			}
		}
		for (int i = free - 1; i >= 0; i--) {
			moveOwn(names.get(i), names.get(i + 1));
		}
		moveOwn(file, names.get(0));
	}

	private Path rotated(int index) {
		Path file = this.settings.file();
		return file.resolveSibling(file.getFileName() + "." + index);
	}

	private void moveOwn(Path source, Path target) throws IOException {
		if (OwnNames.isOwn(source)) {
			this.beforeMove.accept(target);
			// Free when looked at, but another user may have put a file there since.
			OwnFiles.moveNoReplace(source, target);
		}
	}

}
