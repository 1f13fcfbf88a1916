package io.pipeio.deadletter;

import java.nio.file.Path;

import org.springframework.util.Assert;

/**
 * Where dropped lines are written and how large the files may grow.
 *
 * @param file the file that receives one JSON object per dropped line; rotated files are
 * named after it with {@code .1}, {@code .2} and so on appended, {@code .1} the newest,
 * so its name may have at most {@link #maxNameBytes} bytes
 * @param maxFileSize the size in bytes after which the file is rotated
 * @param maxHistory how many rotated files are kept; {@code 0} keeps none, so the file is
 * emptied when full
 * @author pipe-io
 */
public record DeadLetterSettings(Path file, long maxFileSize, int maxHistory) {

	/**
	 * Create settings.
	 */
	public DeadLetterSettings {
		Assert.notNull(file, "'file' must not be null");
		Assert.isTrue(maxFileSize > 0, "'maxFileSize' must be positive");
		Assert.isTrue(maxHistory >= 0, "'maxHistory' must not be negative");
		file = file.toAbsolutePath().normalize();
		int nameBytes = nameBytes(file);
		int maxNameBytes = maxNameBytes(maxHistory);
		if (nameBytes > maxNameBytes) {
			String why = (maxHistory > 0)
					? "its rotated files are named after it with \".1\" to \"." + maxHistory
							+ "\" appended, and a file name may have at most " + DeadLetterNames.MAX_BYTES + " bytes"
					: "a file name may have at most " + DeadLetterNames.MAX_BYTES + " bytes";
			throw new IllegalArgumentException("'file' " + file + " has a name of " + nameBytes
					+ " bytes, more than the " + maxNameBytes + " it may have: " + why);
		}
	}

	/**
	 * Return the longest name a dead-letter file may have: its rotated files are named
	 * after it with {@code .1} to {@code .<maxHistory>} appended, and no file name may
	 * have more than 255 bytes (the limit of the usual Linux file systems).
	 * @param maxHistory how many rotated files are kept
	 * @return the longest name in bytes
	 */
	public static int maxNameBytes(int maxHistory) {
		return DeadLetterNames.maxNameBytes(maxHistory);
	}

	/**
	 * Return the length of a file's name in bytes, as the file system gets it.
	 * @param file the file
	 * @return the length of its last element in bytes; {@code 0} for a path without one,
	 * such as {@code /}
	 */
	public static int nameBytes(Path file) {
		return DeadLetterNames.nameBytes(file);
	}

}
