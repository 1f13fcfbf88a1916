package io.pipeio.deadletter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.pipeio.server.DropReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@link DeadLetterRotation} on a real file system: how the history moves, where names
 * cannot be swapped, and what a rotation cut short leaves for the next start.
 */
@Timeout(30)
class DeadLetterRotationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path directory;

	@Test
	void aGapInTheHistoryIsFilledAndCostsNoRotatedFile() throws IOException {
		Path file = this.directory.resolve("calc.jsonl");
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, recordSize("line 0"), 3))) {
			for (int i = 0; i < 4; i++) {
				letters.write(letter("line " + i));
			}
			// Someone removed one of the rotated files.
			Files.delete(rotated(file, 2));
			letters.write(letter("line 4"));
		}
		assertThat(lines(file)).containsExactly("line 4");
		assertThat(lines(rotated(file, 1))).containsExactly("line 3");
		assertThat(lines(rotated(file, 2))).containsExactly("line 2");
		assertThat(lines(rotated(file, 3))).containsExactly("line 0");
		assertThat(rotated(file, 4)).doesNotExist();
	}

	/**
	 * A file name may have 255 bytes: a file whose name is close to that rotates all the
	 * same, though its own name with a random suffix, its temporary name so far, would be
	 * longer.
	 */
	@ParameterizedTest
	@ValueSource(ints = { 3, 0 })
	void aFileWithANameCloseToTheLimitRotatesAndKeepsEveryRecord(int history) throws IOException {
		// As long as the names of its history allow: <file>.3 has 255 bytes.
		Path file = this.directory.resolve(longName("-calc.jsonl", (history > 0) ? 253 : 255));
		try (DeadLetterFile letters = new DeadLetterFile(
				new DeadLetterSettings(file, recordSize("line 00") * 3, history))) {
			for (int i = 0; i < 12; i++) {
				letters.write(letter(String.format("line %02d", i)));
			}
		}
		assertThat(lines(file)).containsExactly("line 09", "line 10", "line 11");
		List<String> expected = new ArrayList<>(List.of(file.getFileName().toString()));
		if (history > 0) {
			assertThat(lines(rotated(file, 1))).containsExactly("line 06", "line 07", "line 08");
			assertThat(lines(rotated(file, 2))).containsExactly("line 03", "line 04", "line 05");
			assertThat(lines(rotated(file, 3))).containsExactly("line 00", "line 01", "line 02");
			for (int i = 1; i <= history; i++) {
				expected.add(rotated(file, i).getFileName().toString());
			}
		}
		assertThat(names()).containsExactlyInAnyOrderElementsOf(expected);
	}

	@Test
	void aNameOfCharactersOfSeveralBytesRotatesToo() throws IOException {
		// Two bytes each in UTF-8, the file names' encoding here.
		assumeThat(System.getProperty("sun.jnu.encoding")).isEqualTo("UTF-8");
		Path file = this.directory.resolve("\u00e9".repeat(123) + ".jsonl");
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, recordSize("line 0"), 2))) {
			for (int i = 0; i < 3; i++) {
				letters.write(letter("line " + i));
			}
		}
		assertThat(lines(file)).containsExactly("line 2");
		assertThat(lines(rotated(file, 1))).containsExactly("line 1");
		assertThat(lines(rotated(file, 2))).containsExactly("line 0");
		assertThat(names()).hasSize(3);
	}

	/**
	 * The temporary name of a long name is cut short, so two files whose names begin
	 * alike must still tell their leftovers apart.
	 */
	@Test
	void whatARotationOfALongNameCutShortLeftIsPutBackIntoThatFilesHistoryOnly() throws IOException {
		Path file = this.directory.resolve(longName("-calc.jsonl", 253));
		Path other = this.directory.resolve(longName("-json.jsonl", 253));
		DeadLetterSettings settings = new DeadLetterSettings(file, recordSize("line 0"), 2);
		try (DeadLetterFile letters = new DeadLetterFile(settings)) {
			letters.write(letter("line 0"));
			letters.write(letter("line 1"));
			// Stopped once .1 moved to .2, before the full file took .1.
			letters.rotation.beforeMove = crashAt(rotated(file, 1));
			assertThatExceptionOfType(Crash.class).isThrownBy(() -> letters.write(letter("line 2")));
		}
		assertThat(names()).hasSize(3).anyMatch((name) -> name.contains(".rotating-"));
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(other, recordSize("line 0"), 2))) {
			letters.write(letter("other 0"));
			letters.write(letter("other 1"));
		}
		assertThat(lines(other)).containsExactly("other 1");
		assertThat(lines(rotated(other, 1))).containsExactly("other 0");
		assertThat(rotated(other, 2)).doesNotExist();
		assertThat(names()).hasSize(5);
		try (DeadLetterFile letters = new DeadLetterFile(settings)) {
			letters.write(letter("line 3"));
		}
		assertThat(lines(file)).containsExactly("line 3");
		assertThat(lines(rotated(file, 1))).containsExactly("line 1");
		assertThat(lines(rotated(file, 2))).containsExactly("line 0");
		assertThat(names()).containsExactlyInAnyOrder(file.getFileName().toString(),
				rotated(file, 1).getFileName().toString(), rotated(file, 2).getFileName().toString(),
				other.getFileName().toString(), rotated(other, 1).getFileName().toString());
	}

	@Test
	void aNameWithoutRoomForTheNamesOfItsHistoryIsRefusedWithTheSettings() {
		Path file = this.directory.resolve(longName("-calc.jsonl", 253));
		assertThatIllegalArgumentException().isThrownBy(() -> new DeadLetterSettings(file, 1024, 10))
			.withMessageContaining(file.toString())
			.withMessageContaining("has a name of 253 bytes, more than the 252 it may have")
			.withMessageContaining("\".1\" to \".10\"");
		assertThat(new DeadLetterSettings(file, 1024, 9).file()).isEqualTo(file);
		assertThat(new DeadLetterSettings(this.directory.resolve(longName(".jsonl", 255)), 1024, 0)).isNotNull();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DeadLetterSettings(this.directory.resolve(longName(".jsonl", 256)), 1024, 0))
			.withMessageContaining("a file name may have at most 255 bytes");
	}

	/**
	 * Names of the history taken by what pipe-io did not create are skipped, but never
	 * beyond a name too long: the write that needs such a name fails naming what is
	 * taken, not the length. A free name before them is used all the same.
	 */
	@Test
	void takenNamesAreSkippedNoFurtherThanNamesFit() throws IOException {
		Path file = this.directory.resolve(longName("-calc.jsonl", 253));
		Path precious = Files.writeString(this.directory.resolve("precious"), "precious\n");
		for (int i = 2; i <= 9; i++) {
			Files.createSymbolicLink(rotated(file, i), precious);
		}
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, recordSize("line 0"), 3))) {
			letters.write(letter("line 0"));
			letters.write(letter("line 1"));
			assertThatExceptionOfType(FileSystemException.class).isThrownBy(() -> letters.write(letter("line 2")))
				.withMessageContaining("to " + rotated(file, 9).getFileName() + ", 8 are taken");
		}
		assertThat(lines(file)).containsExactly("line 1");
		assertThat(lines(rotated(file, 1))).containsExactly("line 0");
		assertThat(precious).hasContent("precious");
	}

	/**
	 * Rotation looks at the names of the history up to the first free one: a history as
	 * long as an {@code int} allows (to keep every file) costs what the files there cost,
	 * and its names never run past that {@code int}.
	 */
	@Test
	void aHistoryAsLongAsAnIntAllowsRotatesLikeAShortOne() throws IOException {
		Path file = this.directory.resolve("calc.jsonl");
		try (DeadLetterFile letters = new DeadLetterFile(
				new DeadLetterSettings(file, recordSize("line 0"), Integer.MAX_VALUE))) {
			for (int i = 0; i < 4; i++) {
				letters.write(letter("line " + i));
			}
		}
		assertThat(lines(file)).containsExactly("line 3");
		assertThat(lines(rotated(file, 1))).containsExactly("line 2");
		assertThat(lines(rotated(file, 2))).containsExactly("line 1");
		assertThat(lines(rotated(file, 3))).containsExactly("line 0");
		assertThat(names()).hasSize(4);
	}

	/**
	 * However long the history, a rotation skips no more than
	 * {@link DeadLetterRotation#MAX_SKIPPED} taken names to reach a free one.
	 */
	@ParameterizedTest
	@ValueSource(ints = { DeadLetterRotation.MAX_SKIPPED, DeadLetterRotation.MAX_SKIPPED + 1 })
	void takenNamesAreSkippedNoFurtherThanTheLimitHoweverLongTheHistory(int taken) throws IOException {
		Path file = this.directory.resolve("calc.jsonl");
		Path precious = Files.writeString(this.directory.resolve("precious"), "precious\n");
		for (int i = 1; i <= taken; i++) {
			Files.createSymbolicLink(rotated(file, i), precious);
		}
		try (DeadLetterFile letters = new DeadLetterFile(
				new DeadLetterSettings(file, recordSize("line 0"), Integer.MAX_VALUE))) {
			letters.write(letter("line 0"));
			if (taken <= DeadLetterRotation.MAX_SKIPPED) {
				letters.write(letter("line 1"));
				assertThat(lines(file)).containsExactly("line 1");
				assertThat(lines(rotated(file, taken + 1))).containsExactly("line 0");
			}
			else {
				assertThatExceptionOfType(FileSystemException.class).isThrownBy(() -> letters.write(letter("line 1")))
					.withMessageContaining(rotated(file, 1).getFileName() + " to " + rotated(file, taken).getFileName()
							+ ", " + taken + " are taken");
				assertThat(lines(file)).containsExactly("line 0");
			}
		}
		assertThat(precious).hasContent("precious");
	}

	@ParameterizedTest
	@ValueSource(ints = { 2, 0 })
	void whereNamesCannotBeSwappedTheFileIsRenamedAndCreatedAgain(int history) throws IOException {
		Path file = this.directory.resolve("calc.jsonl");
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, recordSize("line 0"), history))) {
			letters.rotation.exchange = (one, other) -> false;
			for (int i = 0; i < 4; i++) {
				letters.write(letter("line " + i));
			}
		}
		assertThat(lines(file)).containsExactly("line 3");
		if (history > 0) {
			assertThat(lines(rotated(file, 1))).containsExactly("line 2");
			assertThat(lines(rotated(file, 2))).containsExactly("line 1");
		}
		assertThat(names()).hasSize(1 + history);
	}

	@Test
	void aNewFileLeftBeforeItTookTheNameIsDeletedAtTheNextStart() throws IOException {
		Path file = this.directory.resolve("calc.jsonl");
		DeadLetterSettings settings = new DeadLetterSettings(file, recordSize("line 0"), 2);
		try (DeadLetterFile letters = new DeadLetterFile(settings)) {
			letters.write(letter("line 0"));
			letters.rotation.beforeMove = crashAt(file);
			assertThatExceptionOfType(Crash.class).isThrownBy(() -> letters.write(letter("line 1")));
		}
		assertThat(names()).hasSize(2).anyMatch((name) -> name.startsWith("calc.jsonl.rotating-"));
		try (DeadLetterFile letters = new DeadLetterFile(settings)) {
			letters.write(letter("line 2"));
		}
		assertThat(lines(file)).containsExactly("line 2");
		assertThat(lines(rotated(file, 1))).containsExactly("line 0");
		assertThat(names()).containsExactlyInAnyOrder("calc.jsonl", "calc.jsonl.1");
	}

	@Test
	void aFullFileLeftUnderItsTemporaryNameGoesIntoTheHistoryAtTheNextStart() throws IOException {
		Path file = this.directory.resolve("calc.jsonl");
		DeadLetterSettings settings = new DeadLetterSettings(file, recordSize("line 0"), 2);
		try (DeadLetterFile letters = new DeadLetterFile(settings)) {
			letters.write(letter("line 0"));
			letters.write(letter("line 1"));
			// Stopped once .1 moved to .2, before the full file took .1.
			letters.rotation.beforeMove = crashAt(rotated(file, 1));
			assertThatExceptionOfType(Crash.class).isThrownBy(() -> letters.write(letter("line 2")));
		}
		assertThat(file).isEmptyFile();
		assertThat(rotated(file, 1)).doesNotExist();
		try (DeadLetterFile letters = new DeadLetterFile(settings)) {
			letters.write(letter("line 3"));
		}
		assertThat(lines(file)).containsExactly("line 3");
		assertThat(lines(rotated(file, 1))).containsExactly("line 1");
		assertThat(lines(rotated(file, 2))).containsExactly("line 0");
		assertThat(names()).containsExactlyInAnyOrder("calc.jsonl", "calc.jsonl.1", "calc.jsonl.2");
	}

	@Test
	void whatThisUserDidNotCreateUnderATemporaryNameIsLeftAlone() throws IOException {
		Path file = this.directory.resolve("calc.jsonl");
		Path precious = Files.writeString(this.directory.resolve("precious"), "precious\n");
		Path link = Files.createSymbolicLink(this.directory.resolve("calc.jsonl.rotating-link"), precious);
		Path theirs = Files.writeString(this.directory.resolve("calc.jsonl.rotating-theirs"), "theirs\n");
		Files.setAttribute(theirs, "unix:uid", 65534);
		Path linked = Files.createLink(this.directory.resolve("calc.jsonl.rotating-linked"), precious);
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, recordSize("line 0"), 2))) {
			letters.write(letter("line 0"));
			letters.write(letter("line 1"));
		}
		assertThat(Files.readSymbolicLink(link)).isEqualTo(precious);
		assertThat(theirs).hasContent("theirs");
		assertThat(linked).hasContent("precious");
		assertThat(precious).hasContent("precious");
		assertThat(lines(file)).containsExactly("line 1");
		assertThat(lines(rotated(file, 1))).containsExactly("line 0");
	}

	/**
	 * A file name of so many bytes (ASCII) with an end of its own: names that begin
	 * alike, as a file of {@code channel-defaults} ending with {@code {channel}} gives.
	 */
	private static String longName(String end, int bytes) {
		return "x".repeat(bytes - end.length()) + end;
	}

	private static Consumer<Path> crashAt(Path name) {
		return (target) -> {
			if (target.equals(name)) {
				throw new Crash();
			}
		};
	}

	private List<String> names() throws IOException {
		try (Stream<Path> names = Files.list(this.directory)) {
			return names.map((name) -> name.getFileName().toString()).toList();
		}
	}

	/** The application stopping at this point, as if killed. */
	private static final class Crash extends RuntimeException {

	}

	/** The size of the record of a line, to fill a file with so many records. */
	static long recordSize(String line) {
		return DeadLetterJson.toJson(letter(line)).length;
	}

	static DeadLetter letter(String line) {
		byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
		return new DeadLetter(Instant.EPOCH, "calc", DropReason.HANDLER_ERROR, bytes, bytes.length, 1, null,
				StandardCharsets.UTF_8);
	}

	static List<String> lines(Path file) throws IOException {
		return Files.readAllLines(file)
			.stream()
			.map((record) -> json.readTree(record).path("line").asString())
			.toList();
	}

	static Path rotated(Path file, int index) {
		return file.resolveSibling(file.getFileName() + "." + index);
	}

}
