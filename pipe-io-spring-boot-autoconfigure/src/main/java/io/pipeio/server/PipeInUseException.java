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

	private final boolean servedInThisJvm;

	/**
	 * Create an exception.
	 * @param path the pipe path or lock file that is taken
	 * @param message the full message
	 * @param servedInThisJvm whether another server of this JVM serves it, rather than
	 * another process
	 */
	PipeInUseException(Path path, String message, boolean servedInThisJvm) {
		super(path, message);
		this.servedInThisJvm = servedInThisJvm;
	}

	/**
	 * Return whether the path is served by another server of this JVM, such as one of
	 * another application context, rather than by another process.
	 * @return whether the other server runs in this JVM
	 */
	public boolean isServedInThisJvm() {
		return this.servedInThisJvm;
	}

}
