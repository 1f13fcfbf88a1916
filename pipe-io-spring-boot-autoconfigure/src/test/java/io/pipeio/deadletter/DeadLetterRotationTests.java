package io.pipeio.deadletter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import io.pipeio.server.DropReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DeadLetterRotation} on a real file system: how the history moves.
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
