package io.pipeio.server;

import java.nio.file.Path;

/**
 * A pipe path is already served by another server: by another process, which holds the
 * lock file of the pipes' directory, or by another {@link PipeServer} in this JVM. Two
 * servers on one pipe would each replace the other's FIFO as stale and split its lines
 * between them, so the second one refuses to start. The message names the path, who
 * serves it and what to do.
 *
 * @author pipe-io
 */
public class PipeInUseException extends PipeFileException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param path the pipe path or lock file that is taken
	 * @param message the full message
	 */
	PipeInUseException(Path path, String message) {
		super(path, message);
	}

}
