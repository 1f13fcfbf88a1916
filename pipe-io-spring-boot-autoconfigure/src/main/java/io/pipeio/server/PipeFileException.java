package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A pipe path cannot be used: something other than a FIFO is there, the FIFO is missing
 * and the server may not create it, or it belongs to another user. The message names the
 * path, what was found and what to do.
 *
 * @author pipe-io
 */
public class PipeFileException extends IOException {

	private static final long serialVersionUID = 1L;

	private final Path path;

	/**
	 * Create an exception.
	 * @param path the offending path
	 * @param message the full message
	 */
	public PipeFileException(Path path, String message) {
		super(message);
		this.path = path;
	}

	/**
	 * @return the offending path
	 */
	public Path getPath() {
		return this.path;
	}

}
