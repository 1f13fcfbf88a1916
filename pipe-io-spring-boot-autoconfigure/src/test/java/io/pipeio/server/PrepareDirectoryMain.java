package io.pipeio.server;

import java.nio.file.Path;

/**
 * Prepares a pipe directory in a JVM of its own, for tests that run it as another user:
 * prints {@code prepared}, or the class and message of what it threw.
 */
final class PrepareDirectoryMain {

	private PrepareDirectoryMain() {
	}

	public static void main(String[] args) {
		try {
			PipeDirectories.prepare("test", Path.of(args[0]), PipeServerSettings.DEFAULT_DIRECTORY_PERMISSIONS, true);
			System.out.println("prepared");
		}
		catch (Exception ex) {
			System.out.println(ex.getClass().getName() + ": " + ex.getMessage());
		}
	}

}
