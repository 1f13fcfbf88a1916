package io.pipeio.deadletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.pipeio.server.DropReason;
import io.pipeio.server.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Rotation in a directory that another user may write to, a sticky one such as
 * {@code /tmp}: the names it renames files to may be taken by that user's files, which it
 * must never replace or delete. The tests run as root, which may replace anything, and
 * plant files as a throwaway user.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class DeadLetterRotationSecurityTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path directory;

	@Test
	void aFilePutInPlaceBetweenTheCheckAndTheRenameIsNeverReplaced() throws Exception {
		Path file = stickyDirectory().resolve("letters.jsonl");
		Path planted = rotated(file, 2);
		try (TestUser intruder = TestUser.create();
				DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, recordSize("line 0"), 2))) {
			letters.write(letter("line 0"));
			letters.write(letter("line 1"));
			// The next rotation renames .1 to .2, which is free when checked.
			letters.rotation.beforeMove = (target) -> {
				if (target.equals(planted)) {
					plant(intruder, planted);
				}
			};
			letters.write(letter("line 2"));
			assertPlanted(planted, intruder);
		}
		// The history went on around it.
		assertThat(lines(file)).containsExactly("line 2");
		assertThat(lines(rotated(file, 1))).containsExactly("line 1");
		assertThat(lines(rotated(file, 3))).containsExactly("line 0");
	}

	@Test
	void aRotatedNameTakenByAnotherUserIsSkippedAndNoDeadLetterIsLost(CapturedOutput output) throws Exception {
		Path file = stickyDirectory().resolve("letters.jsonl");
		Path planted = rotated(file, 2);
		try (TestUser intruder = TestUser.create()) {
			plant(intruder, planted);
			try (DeadLetterFile letters = new DeadLetterFile(
					new DeadLetterSettings(file, recordSize("line 00") * 3, 2))) {
				for (int i = 0; i < 20; i++) {
					letters.write(letter(String.format("line %02d", i)));
				}
			}
			assertPlanted(planted, intruder);
		}
		assertThat(lines(file)).containsExactly("line 18", "line 19");
		assertThat(lines(rotated(file, 1))).containsExactly("line 15", "line 16", "line 17");
		assertThat(lines(rotated(file, 3))).containsExactly("line 12", "line 13", "line 14");
		assertThat(rotated(file, 4)).doesNotExist();
		assertThat(output).contains("Dead-letter file " + file + " was rotated around names taken")
			.contains(planted + " (owned by uid ");
	}

	@Test
	void namesTakenBeyondTheLimitFailEachWriteUntilTheyAreRemoved() throws Exception {
		Path file = stickyDirectory().resolve("letters.jsonl");
		int taken = 1 + DeadLetterRotation.MAX_SKIPPED;
		try (TestUser intruder = TestUser.create();
				DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, recordSize("line 0"), 1))) {
			intruder.python("import sys\nfor i in range(1, int(sys.argv[2]) + 1): open(sys.argv[1] + '.%d' % i, 'x')",
					file.toString(), Integer.toString(taken));
			letters.write(letter("line 0"));
			for (int i = 0; i < 2; i++) {
				assertThatExceptionOfType(FileSystemException.class).isThrownBy(() -> letters.write(letter("lost")))
					.withMessageContaining(file.toString())
					.withMessageContaining(rotated(file, 1).getFileName() + " to " + rotated(file, taken).getFileName())
					.withMessageContaining("uid " + intruder.uid)
					.withMessageContaining("a directory only this user can write to");
			}
			for (int i = 1; i <= taken; i++) {
				assertThat(Files.getAttribute(rotated(file, i), "unix:uid")).isEqualTo(intruder.uid);
				assertThat(rotated(file, i)).isEmptyFile();
			}
			assertThat(lines(file)).containsExactly("line 0");
			try (Stream<Path> names = Files.list(file.getParent())) {
				assertThat(names).hasSize(1 + taken);
			}
			// What the message asks for; the next write rotates again.
			for (int i = 1; i <= taken; i++) {
				Files.delete(rotated(file, i));
			}
			letters.write(letter("line 1"));
		}
		assertThat(lines(file)).containsExactly("line 1");
		assertThat(lines(rotated(file, 1))).containsExactly("line 0");
	}

	@ParameterizedTest
	@ValueSource(ints = { 2, 0 })
	void theFileIsNeverWithoutItsNameForAnotherUserToTake(int history) throws Exception {
		Path file = stickyDirectory().resolve("calc.jsonl");
		List<String> attempts = new ArrayList<>();
		try (TestUser intruder = TestUser.create();
				DeadLetterFile letters = new DeadLetterFile(
						new DeadLetterSettings(file, recordSize("line 0"), history))) {
			letters.write(letter("line 0"));
			// The full file has just left its name: another user tries to create a file
			// there, which the next create would refuse, and every write after it.
			letters.rotation.afterMove = (source) -> {
				if (source.equals(file)) {
					attempts.add(tryToPlant(intruder, file));
				}
			};
			letters.write(letter("line 1"));
			letters.write(letter("line 2"));
		}
		assertThat(attempts).containsExactly("taken", "taken");
		assertThat(Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS))
			.isEqualTo(Files.getAttribute(this.directory, "unix:uid"));
		assertThat(lines(file)).containsExactly("line 2");
		List<Path> expected = new ArrayList<>(List.of(file));
		if (history > 0) {
			assertThat(lines(rotated(file, 1))).containsExactly("line 1");
			assertThat(lines(rotated(file, 2))).containsExactly("line 0");
			expected.addAll(List.of(rotated(file, 1), rotated(file, 2)));
		}
		try (Stream<Path> left = Files.list(file.getParent())) {
			assertThat(left).containsExactlyInAnyOrderElementsOf(expected);
		}
	}

	@Test
	void whereNamesCannotBeSwappedAFileAnotherUserCreatesAtTheNameStopsWritesUntilRemoved() throws Exception {
		Path file = stickyDirectory().resolve("calc.jsonl");
		List<String> attempts = new ArrayList<>();
		try (TestUser intruder = TestUser.create();
				DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, recordSize("line 0"), 2))) {
			// As on a file system without RENAME_EXCHANGE: the limit the README states.
			letters.rotation.exchange = (one, other) -> false;
			letters.write(letter("line 0"));
			letters.rotation.afterMove = (source) -> {
				if (source.equals(file)) {
					attempts.add(tryToPlant(intruder, file));
				}
			};
			assertThatExceptionOfType(FileSystemException.class).isThrownBy(() -> letters.write(letter("line 1")))
				.withMessageContaining("uid " + intruder.uid);
			assertPlanted(file, intruder);
			letters.rotation.afterMove = (source) -> {
			};
			Files.delete(file);
			letters.write(letter("line 2"));
		}
		assertThat(attempts).containsExactly("planted");
		assertThat(lines(file)).containsExactly("line 2");
		assertThat(lines(rotated(file, 1))).containsExactly("line 0");
	}

	/**
	 * Try to create a file as another user, as it would at the first chance.
	 * @return "planted" or "taken"
	 */
	private static String tryToPlant(TestUser intruder, Path path) {
		try {
			return intruder
				.python("import sys\ntry:\n open(sys.argv[1], 'x').write('mine\\n')\n print('planted')\n"
						+ "except FileExistsError:\n print('taken')", path.toString())
				.trim();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
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

	/** The size of the record of a line, to fill a file with so many records. */
	private static long recordSize(String line) {
		return DeadLetterJson.toJson(letter(line)).length;
	}

	private static DeadLetter letter(String line) {
		byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
		return new DeadLetter(Instant.EPOCH, "calc", DropReason.HANDLER_ERROR, bytes, bytes.length, 1, null,
				StandardCharsets.UTF_8);
	}

	private static List<String> lines(Path file) throws IOException {
		return Files.readAllLines(file)
			.stream()
			.map((record) -> json.readTree(record).path("line").asString())
			.toList();
	}

	private static Path rotated(Path file, int index) {
		return file.resolveSibling(file.getFileName() + "." + index);
	}

}
