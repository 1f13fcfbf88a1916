package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Missing directories are created one level at a time inside the very parent that was
 * checked, never by path and never through a symbolic link whose target is missing, so
 * another user who adds or swaps names meanwhile gets nothing created in their place.
 */
class MissingDirectoriesTests extends PipeServerTestSupport {

	private static final int ATTEMPTS = 2000;

	@Test
	void aLinkWhoseTargetIsMissingIsNotCreatedThroughAndTheMissingTargetIsNamed() throws Exception {
		Path shared = stickyDirectory();
		Path target = shared.resolve("gone-after-reboot");
		Path link = Files.createSymbolicLink(this.dir.resolve("run-app"), target);
		for (Path pipes : new Path[] { link, link.resolve("app") }) {
			assertThatExceptionOfType(UnsafeDirectoryException.class)
				.isThrownBy(() -> PipeDirectories.prepare("test", pipes,
						PipeServerSettings.DEFAULT_DIRECTORY_PERMISSIONS, true))
				.withMessageContaining(target + ", where " + link + " leads through a symbolic link, does not exist")
				.satisfies((ex) -> assertThat(ex.getFix()).startsWith("create " + target + " (mkdir -m 700)"));
		}
		assertThat(shared).isEmptyDirectory();
		// created as the message says, the same path is served
		Files.createDirectory(target);
		PipeDirectories.prepare("test", link.resolve("app"), PipeServerSettings.DEFAULT_DIRECTORY_PERMISSIONS, true);
		assertThat(target.resolve("app")).isDirectory();
	}

	@Test
	void anotherUserWhoCreatesTheMissingTargetOfALinkDuringTheCreationGetsNothingCreatedInIt() throws Exception {
		Path shared = stickyDirectory();
		Path target = shared.resolve("target");
		Path pipes = Files.createSymbolicLink(this.dir.resolve("link"), target).resolve("app");
		try (TestUser intruder = TestUser.create()) {
			// Makes and removes the link's target over and over, so that it may appear
			// between a check that found it missing and the creation behind it.
			Process racer = intruder.start(TestUser.PYTHON, "-c", """
					import os, sys, time
					end = time.monotonic() + 60
					while time.monotonic() < end and not os.path.exists(sys.argv[2]):
					    for i in range(1000):
					        try:
					            os.mkdir(sys.argv[1], 0o777)
					        except OSError:
					            pass
					        try:
					            os.rmdir(sys.argv[1])
					        except OSError:
					            pass
					""", target.toString(), shared.resolve("stop").toString());
			int refused = 0;
			for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
				try {
					PipeDirectories.prepare("test", pipes, PipeServerSettings.DEFAULT_DIRECTORY_PERMISSIONS, true);
				}
				catch (UnsafeDirectoryException ex) {
					refused++;
				}
				catch (IOException ex) {
					// counted as not refused
				}
				// root's directory inside the intruder's: kept for the assertion below
				if (Files.exists(target.resolve("app"), LinkOption.NOFOLLOW_LINKS)) {
					break;
				}
			}
			Files.createFile(shared.resolve("stop"));
			racer.waitFor();
			assertThat(target.resolve("app")).doesNotExist();
			assertThat(refused).isEqualTo(ATTEMPTS);
		}
	}

	@Test
	void theDirectoryIsCreatedInTheParentThatWasOpenedWhateverItsNameLeadsToByThen() throws Exception {
		Path parent = Files.createDirectory(this.dir.resolve("parent"));
		int parentFd = Posix.open(parent.toString(), Posix.O_PATH | Posix.O_DIRECTORY);
		int umask = TestPipes.umask(0277);
		try {
			// After the parent was opened, its name is taken over by another directory.
			Path moved = Files.move(parent, this.dir.resolve("moved"));
			Path swapped = Files.createDirectory(parent);
			assertThat(
					MissingDirectories.createIn(parentFd, "app", 0710, PipeFiles.currentUid(), parent.resolve("app")))
				.isTrue();
			assertThat(swapped).isEmptyDirectory();
			assertThat(TestPipes.mode(moved.resolve("app")) & 0777).isEqualTo(0710);
			// something there already is left as it is
			assertThat(
					MissingDirectories.createIn(parentFd, "app", 0700, PipeFiles.currentUid(), parent.resolve("app")))
				.isFalse();
			assertThat(TestPipes.mode(moved.resolve("app")) & 0777).isEqualTo(0710);
		}
		finally {
			TestPipes.umask(umask);
			Posix.close(parentFd);
		}
	}

	/**
	 * A directory every user may add names to, as {@code /tmp}, inside the test
	 * directory, which other users may traverse.
	 */
	private Path stickyDirectory() throws Exception {
		Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwx--x--x"));
		Path shared = Files.createDirectory(this.dir.resolve("shared"));
		TestProcesses.run("chmod", "1777", shared.toString());
		return shared;
	}

}
