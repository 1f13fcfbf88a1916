package io.pipeio.deadletter;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dead-letter files of an application, one per path, so that channels configured with
 * the same file (through {@code channel-defaults}, for instance) share one writer and one
 * rotation.
 *
 * @author pipe-io
 */
public final class DeadLetterFiles {

	private final Map<Path, DeadLetterFile> files = new LinkedHashMap<>();

	/**
	 * How many channels use each file: it is closed and forgotten when the last one goes.
	 */
	private final Map<Path, Integer> users = new LinkedHashMap<>();

	/**
	 * Return the file of some settings, the same instance for the same path.
	 * @param settings the settings
	 * @return the file
	 * @throws IllegalArgumentException if the path is already used with other sizes
	 */
	public synchronized DeadLetterFile get(DeadLetterSettings settings) {
		DeadLetterFile file = this.files.computeIfAbsent(settings.file(), (path) -> new DeadLetterFile(settings));
		if (!file.getSettings().equals(settings)) {
			throw new IllegalArgumentException("Dead-letter file " + settings.file() + " is configured twice with"
					+ " different sizes (" + file.getSettings() + " and " + settings + "); give both channels the"
					+ " same max-file-size and max-history, or different files");
		}
		this.users.merge(settings.file(), 1, Integer::sum);
		return file;
	}

	/**
	 * A channel that used a file is gone: the file is closed and forgotten once no
	 * channel uses it, so that a channel added later may give the path other sizes.
	 * @param settings the settings the channel got its file with
	 */
	public synchronized void release(DeadLetterSettings settings) {
		Integer left = this.users.computeIfPresent(settings.file(), (path, count) -> (count > 1) ? count - 1 : null);
		if (left == null) {
			DeadLetterFile file = this.files.remove(settings.file());
			if (file != null) {
				file.close();
			}
		}
	}

	/**
	 * Close every file. Until a channel opens it again as it starts, a write opens a file
	 * for its record only: lines a stop left behind may be accounted for after the stop,
	 * and must not keep descriptors open once it is over.
	 */
	public synchronized void closeAll() {
		this.files.values().forEach(DeadLetterFile::close);
	}

}
