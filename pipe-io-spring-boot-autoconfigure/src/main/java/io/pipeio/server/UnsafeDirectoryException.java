package io.pipeio.server;

import java.nio.file.Path;

/**
 * A directory that would hold pipes is not safe: another user could write to it, owns it,
 * or can change a symbolic link on the way to it. Nothing in it was touched.
 *
 * @author pipe-io
 */
public class UnsafeDirectoryException extends PipeFileException {

	private static final long serialVersionUID = 1L;

	private final String problem;

	private final String fix;

	/**
	 * Create an exception.
	 * @param directory the directory that would hold the pipes
	 * @param message what is wrong, naming the directory or ancestor at fault
	 * @param fix what to do about it
	 */
	UnsafeDirectoryException(Path directory, String message, String fix) {
		super(directory, message + " Fix: " + fix + ".");
		this.problem = message;
		this.fix = fix;
	}

	/**
	 * @return what is wrong, without the fix
	 */
	public String getProblem() {
		return this.problem;
	}

	/**
	 * @return what to do about it, such as a {@code chmod} command
	 */
	public String getFix() {
		return this.fix;
	}

}
