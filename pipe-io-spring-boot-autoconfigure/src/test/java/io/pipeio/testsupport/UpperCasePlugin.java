package io.pipeio.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A plug-in script for request/reply tests: it answers every line in upper case, except
 * {@code skip} (no answer at all) and {@code slow} (answered {@code SLOW} once the
 * release file exists). It exits with code 0 on SIGTERM.
 */
public final class UpperCasePlugin {

	private UpperCasePlugin() {
	}

	/**
	 * Write the script, executable, into a directory.
	 * @param directory where to write it
	 * @return the script, whose release file is {@link #release(Path)}
	 * @throws IOException if it cannot be written
	 */
	public static Path write(Path directory) throws IOException {
		Path script = Files.writeString(directory.resolve("upper.sh"), """
				#!/bin/bash
				trap 'exit 0' TERM
				while IFS= read -r line; do
				  case "$line" in
				    skip) ;;
				    slow) while [ ! -e '%s' ]; do sleep 0.02; done; echo SLOW ;;
				    *) echo "${line^^}" ;;
				  esac
				done
				""".formatted(release(directory)));
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
		return script;
	}

	/**
	 * @param directory where the script was written
	 * @return the file that, once created, lets the script answer {@code slow}
	 */
	public static Path release(Path directory) {
		return directory.resolve("release");
	}

}
