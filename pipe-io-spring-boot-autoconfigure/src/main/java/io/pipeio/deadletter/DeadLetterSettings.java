package io.pipeio.deadletter;

import java.nio.file.Path;

import org.springframework.util.Assert;

/**
 * Where dropped lines are written and how large the files may grow.
 *
 * @param file the file that receives one JSON object per dropped line; rotated files are
 * named after it with {@code .1}, {@code .2} and so on appended, {@code .1} the newest
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
	}

}
