package io.pipeio.autoconfigure;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Reads the paths of pipe-io's properties, which are bound as text: a {@code Path}
 * property would be resolved by Spring as a resource of the application context, so that
 * a relative path such as {@code .} could name the servlet container's document root (or
 * a class path directory) rather than the application's working directory.
 *
 * @author pipe-io
 */
final class FileSystemPaths {

	private FileSystemPaths() {
	}

	/**
	 * Parse a path of the file system, as given.
	 * @param property the property, for the message
	 * @param value its value
	 * @return the path, relative unless the value is absolute
	 * @throws IllegalArgumentException naming the property if the value is no path, or
	 * empty (which would silently mean the working directory)
	 */
	static Path parse(String property, String value) {
		if (value.isBlank()) {
			// an environment variable that expanded to nothing, say
			throw new IllegalArgumentException(property + " is empty; remove it to use the default, or set a"
					+ " directory (\".\" for the working directory)");
		}
		try {
			return Path.of(value);
		}
		catch (InvalidPathException ex) {
			throw new IllegalArgumentException(property + " '" + PipePathChecks.printable(value)
					+ "' is not a valid path: " + ex.getReason() + "; remove that character from the path", ex);
		}
	}

}
