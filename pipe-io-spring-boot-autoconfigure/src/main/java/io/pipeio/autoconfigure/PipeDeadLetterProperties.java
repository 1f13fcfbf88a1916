package io.pipeio.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * The file that receives every line a channel drops, one JSON object per line: a
 * channel's own {@code pipe-io.channels.<name>.dead-letter.*} or everyone's
 * {@code pipe-io.channel-defaults.dead-letter.*}. Each unset key falls back to
 * {@code channel-defaults}, then to the documented default.
 *
 * @author pipe-io
 */
public class PipeDeadLetterProperties {

	static final DataSize DEFAULT_MAX_FILE_SIZE = DataSize.ofMegabytes(10);

	static final int DEFAULT_MAX_HISTORY = 5;

	/**
	 * The file that receives every dropped line as one JSON object (time, channel,
	 * reason, exception, the line as text or in base64), relative to the working
	 * directory; "{channel}" stands for the channel's name, and an empty value turns off,
	 * for one channel, the file that channel-defaults gives. Created readable by this
	 * user only. Its name, with "." and max-history appended for the rotated files, may
	 * have at most 255 bytes. Default: none, dropped lines are only counted and logged.
	 */
	private @Nullable String file;

	/**
	 * The size after which the file is renamed to "<file>.1" (the older ones to ".2" and
	 * so on) and a new one begun. Default 10MB.
	 */
	private @Nullable DataSize maxFileSize;

	/**
	 * How many rotated files are kept; 0 keeps none, and up to 2147483647 keeps every
	 * file in practice. A rotation renames the rotated files up to the first free name,
	 * so its cost grows with the files kept, not with this number. Default 5.
	 */
	private @Nullable Integer maxHistory;

	public @Nullable String getFile() {
		return this.file;
	}

	public void setFile(@Nullable String file) {
		this.file = file;
	}

	public @Nullable DataSize getMaxFileSize() {
		return this.maxFileSize;
	}

	public void setMaxFileSize(@Nullable DataSize maxFileSize) {
		this.maxFileSize = maxFileSize;
	}

	public @Nullable Integer getMaxHistory() {
		return this.maxHistory;
	}

	public void setMaxHistory(@Nullable Integer maxHistory) {
		this.maxHistory = maxHistory;
	}

}
