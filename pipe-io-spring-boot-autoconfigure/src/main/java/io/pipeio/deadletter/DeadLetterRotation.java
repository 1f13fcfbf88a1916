package io.pipeio.deadletter;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.pipeio.server.OwnFiles;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Rotates a full {@link DeadLetterFile}: the file becomes {@code <file>.1},
 * {@code <file>.1} becomes {@code <file>.2} and so on up to the first free name, and the
 * oldest beyond the history is deleted. The file's name is never free meanwhile: a new
 * empty file swaps places with the full one ({@link OwnFiles#exchange}), which then goes
 * into the history from its temporary name ({@link #rotate}); what a crash leaves under
 * that name is put back at the next start ({@link DeadLetterLeftovers}).
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

	/** Random names tried for a new file, each taken by chance or by another user. */
	private static final int MAX_FRESH_NAMES = 10;

	private static final SecureRandom random = new SecureRandom();

	private static final Log logger = LogFactory.getLog(DeadLetterFile.class);

	private final DeadLetterSettings settings;

	private boolean recovered;

	/**
	 * Called with each name a file is about to be renamed to, once that name was checked:
	 * lets a test put a file there in between, as another user could.
	 */
	Consumer<Path> beforeMove = (target) -> {
	};

	/**
	 * Called with each name a file was just renamed away from: lets a test try to take
	 * that name, as another user could.
	 */
	Consumer<Path> afterMove = (source) -> {
	};

	/**
	 * Swaps two names: a test replaces it to rotate as where the file system cannot.
	 */
	Swap exchange = OwnFiles::exchange;

	DeadLetterRotation(DeadLetterSettings settings) {
		this.settings = settings;
	}

	/**
	 * Rotate the file, closed by the caller. Its name is never free meanwhile: a new
	 * empty file, created under a name of its own, takes the full file's place in one
	 * swap, and the full file goes into the history from there. Were the full file
	 * renamed first and the file created again, another user could create a file at its
	 * name in between, in a directory they may write to, and every later write would
	 * refuse it.
	 * @throws IOException if a file cannot be renamed or deleted, or too many names of
	 * the history are taken: the full file is then back under its name
	 */
	void rotate() throws IOException {
		Path file = this.settings.file();
		String holder = OwnNames.takenBy(file);
		if (holder != null) {
			throw new FileSystemException(file.toString(), null, holder
					+ "; pipe-io never renames or deletes a file it did not create: remove it or choose another file");
		}
		Path fresh = createFresh(file);
		boolean swapped;
		try {
			this.beforeMove.accept(file);
			swapped = this.exchange.swap(fresh, file);
		}
		catch (NoSuchFileException ex) {
			// The full file is gone (only this user may remove it): nothing to rotate,
			// and the file is created again when opened.
			Files.deleteIfExists(fresh);
			return;
		}
		catch (IOException ex) {
			Files.deleteIfExists(fresh);
			throw ex;
		}
		if (!swapped) {
			Files.delete(fresh);
			retire(file);
			return;
		}
		this.afterMove.accept(file);
		try {
			retire(fresh);
		}
		catch (IOException ex) {
			swapBack(fresh, file, ex);
			throw ex;
		}
	}

	/**
	 * Put what a rotation cut short left back into the history, once, when the file is
	 * first opened ({@link DeadLetterLeftovers}).
	 */
	void recoverLeftovers() {
		if (!this.recovered) {
			this.recovered = true;
			DeadLetterLeftovers.recover(this.settings, this::retire);
		}
	}

	/**
	 * Put the full file into the history, or delete it if none is kept. Where names
	 * cannot be swapped (a file system without {@code RENAME_EXCHANGE}, NFS among others,
	 * or a kernel older than 3.15) this is called with the file itself, under its name:
	 * that name is then free until the file is opened again, and a file another user
	 * creates there meanwhile is refused by every write until it is removed (the README
	 * states this limit).
	 */
	void retire(Path full) throws IOException {
		if (this.settings.maxHistory() == 0) {
			Files.deleteIfExists(full);
			this.afterMove.accept(full);
			return;
		}
		for (int attempt = 1;; attempt++) {
			try {
				shift(full);
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
	 * A rotation that failed once the names were swapped puts the full file back under
	 * its name, so that its records stay where they are looked for, and deletes the new
	 * empty file.
	 */
	private void swapBack(Path full, Path file, IOException failure) {
		try {
			if (OwnNames.isOwn(full) && this.exchange.swap(full, file) && OwnNames.isOwn(full)
					&& Files.size(full) == 0) {
				Files.delete(full);
			}
		}
		catch (IOException ex) {
			failure.addSuppressed(ex);
		}
	}

	/**
	 * Create the new empty file under a name of its own beside the file: a random one, so
	 * that another user cannot take it ahead, tried again if taken all the same; within
	 * the limit of a file name however long the file's is ({@link DeadLetterNames}).
	 */
	private Path createFresh(Path file) throws IOException {
		String prefix = DeadLetterNames.temporaryPrefix(file);
		for (int attempt = 1;; attempt++) {
			Path fresh = file.resolveSibling(DeadLetterNames.temporaryName(prefix, random.nextLong() >>> 1));
			try {
				OwnFiles.createNew(fresh);
				return fresh;
			}
			catch (FileAlreadyExistsException ex) {
				if (attempt == MAX_FRESH_NAMES) {
					throw ex;
				}
			}
		}
	}

	/**
	 * Rename each file of the history to the next of the names this rotation may use, up
	 * to the first free one, deleting the oldest if none is free, and the file to the
	 * first. Only the names up to the first free one are looked at: what a rotation costs
	 * depends on the files there are, never on how many {@code max-history} allows.
	 * @param full the full file, under its name or a temporary one
	 * @throws FileAlreadyExistsException if a name was taken since it was looked at
	 */
	private void shift(Path full) throws IOException {
		Path file = this.settings.file();
		int history = this.settings.maxHistory();
		// The names this rotation uses: this user's files of the history, then the first
		// free name if there is one before the history is full.
		List<Path> names = new ArrayList<>();
		List<String> taken = new ArrayList<>();
		// Settings have room for the names up to .<history>; those skipped beyond stop
		// where a name would be too long.
		long last = DeadLetterNames.lastHistoryNumber(file);
		boolean free = false;
		long index = 0;
		while (!free && names.size() < history) {
			index++;
			if (index > last || taken.size() > MAX_SKIPPED) {
				throw new FileSystemException(file.toString(), null,
						"cannot be rotated: of the names " + rotated(1).getFileName() + " to "
								+ rotated(index - 1).getFileName() + ", " + taken.size()
								+ " are taken by what pipe-io did not create (" + taken.get(0)
								+ "), which it never renames or deletes; this dead letter is lost. Remove them, or put"
								+ " the dead-letter file in a directory only this user can write to");
			}
			Path name = rotated(index);
			String holder = OwnNames.takenBy(name);
			if (holder != null) {
				taken.add(name + " (" + holder + ")");
			}
			else {
				names.add(name);
				free = !Files.exists(name, LinkOption.NOFOLLOW_LINKS);
			}
		}
		if (!taken.isEmpty()) {
			logger.warn("Dead-letter file " + file + " was rotated around names taken by what pipe-io did not create,"
					+ " left alone: " + String.join(", ", taken) + ". Remove them, or put the dead-letter file in a"
					+ " directory only this user can write to");
		}
		// Files move up to the first free name only: a gap (a rotated file removed, a
		// rotation cut short) costs no file of the history.
		int target = names.size() - 1;
		if (!free && OwnNames.isOwn(names.get(target))) {
			// The history is full: its oldest file goes.
			Files.delete(names.get(target));
		}
		for (int i = target - 1; i >= 0; i--) {
			moveOwn(names.get(i), names.get(i + 1));
		}
		moveOwn(full, names.get(0));
	}

	private Path rotated(long index) {
		Path file = this.settings.file();
		return file.resolveSibling(file.getFileName() + "." + index);
	}

	private void moveOwn(Path source, Path target) throws IOException {
		if (OwnNames.isOwn(source)) {
			this.beforeMove.accept(target);
			// Free when looked at, but another user may have put a file there since.
			OwnFiles.moveNoReplace(source, target);
			this.afterMove.accept(source);
		}
	}

	/** Swaps the files at two names, {@link OwnFiles#exchange}. */
	interface Swap {

		boolean swap(Path one, Path other) throws IOException;

	}

}
