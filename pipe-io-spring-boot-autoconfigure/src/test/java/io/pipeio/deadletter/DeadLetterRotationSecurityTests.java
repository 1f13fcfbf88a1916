package io.pipeio.deadletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import io.pipeio.server.DropReason;
import io.pipeio.server.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Rotation in a directory that another user may write to, a sticky one such as
 * {@code /tmp}: the names it renames files to may be taken by that user's files, which it
 * must never replace or delete. The tests run as root, which may replace anything, and
 * plant files as a throwaway user.
 */
@Timeout(60)
class DeadLetterRotationSecurityTests {

	@TempDir
	Path directory;

	@Test
	void aFilePutInPlaceBetweenTheCheckAndTheRenameIsNeverReplaced() throws Exception {
		Path file = stickyDirectory().resolve("letters.jsonl");
		Path planted = rotated(file, 2);
		try (TestUser intruder = TestUser.create();
				DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, recordSize(), 2))) {
			letters.write(letter("line 0"));
			letters.write(letter("line 1"));
			// The next rotation renames .1 to .2, which was free when checked.
			letters.rotation.beforeMove = (target) -> {
				if (target.equals(planted)) {
					plant(intruder, planted);
				}
			};
			assertThatExceptionOfType(FileAlreadyExistsException.class)
				.isThrownBy(() -> letters.write(letter("line 2")))
				.withMessageContaining(planted.toString());
			assertPlanted(planted, intruder);
		}
	}

	private Path stickyDirectory() throws IOException {
		// Others may pass through the test's directory, and write to the shared one.
		Files.setPosixFilePermissions(this.directory, PosixFilePermissions.fromString("rwx--x--x"));
		Path shared = Files.createDirectory(this.directory.resolve("shared"));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		Files.setAttribute(shared, "unix:mode", 01777);
		return shared;
	}

	private static void plant(TestUser intruder, Path path) {
		try {
			intruder.python("import sys; open(sys.argv[1], 'x').write('mine\\n')", path.toString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void assertPlanted(Path planted, TestUser intruder) throws IOException {
		assertThat(planted).hasContent("mine");
		assertThat(Files.getAttribute(planted, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(intruder.uid);
	}

	/** Each record fills a file, so each write rotates. */
	private static long recordSize() {
		return DeadLetterJson.toJson(letter("line 0")).length;
	}

	private static DeadLetter letter(String line) {
		byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
		return new DeadLetter(Instant.EPOCH, "calc", DropReason.HANDLER_ERROR, bytes, bytes.length, 1, null,
				StandardCharsets.UTF_8);
	}

	private static Path rotated(Path file, int index) {
		return file.resolveSibling(file.getFileName() + "." + index);
	}

}
