package io.pipeio.deadletter;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.pipeio.server.DropReason;
import io.pipeio.testsupport.OpenDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A {@link DeadLetterFile} on a real file system: records, rotation, and the files it
 * refuses.
 */
@Timeout(30)
class DeadLetterFileTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path directory;

	@Test
	void aRecordCutShortEarlierIsNotGluedToTheNextOne() throws IOException {
		// What a write cut short (a full disk, a crash) leaves: half a record, no
		// newline.
		Path file = Files.writeString(this.directory.resolve("calc.jsonl"), "{\"time\":\"1970-01-01T00:00:00Z\",\"cha");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, 1024 * 1024, 2))) {
			letters.write(letter("next", new IllegalStateException("boom"), 1));
		}
		List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		assertThat(lines).hasSize(2);
		assertThat(json.readTree(lines.get(1)).path("line").asString()).isEqualTo("next");
	}

	@Test
	void openingAFileWhoseRecordWasCutShortWritesNothingUntilTheNextRecord() throws IOException {
		// A disk that filled up cut the record: opening the file at the next start must
		// not need room (a newline written then would fail the start on the same full
		// disk); the next record ends the cut one.
		String cut = "{\"time\":\"1970-01-01T00:00:00Z\",\"cha";
		Path file = Files.writeString(this.directory.resolve("calc.jsonl"), cut);
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, 1024 * 1024, 2))) {
			letters.open();
			assertThat(Files.readString(file)).isEqualTo(cut);
			letters.write(letter("next", new IllegalStateException("boom"), 1));
			letters.write(letter("after", new IllegalStateException("boom"), 1));
		}
		List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		assertThat(lines).hasSize(3).first().isEqualTo(cut);
		assertThat(json.readTree(lines.get(1)).path("line").asString()).isEqualTo("next");
		assertThat(json.readTree(lines.get(2)).path("line").asString()).isEqualTo("after");
	}

	@Test
	void aRecordCutShortIsEndedBeforeItsFileIsRotatedAway() throws IOException {
		String cut = "{\"time\":\"1970-01-01T00:00:00Z\",\"cha";
		Path file = Files.writeString(this.directory.resolve("calc.jsonl"), cut);
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, cut.length() + 10, 2))) {
			letters.write(letter("next", new IllegalStateException("boom"), 1));
		}
		assertThat(Files.readString(file.resolveSibling("calc.jsonl.1"))).isEqualTo(cut + "\n");
		assertThat(json.readTree(Files.readString(file)).path("line").asString()).isEqualTo("next");
	}

	@Test
	void writesOneJsonObjectPerDroppedLine() throws IOException {
		Path file = this.directory.resolve("letters/calc.jsonl");
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, 1024 * 1024, 2))) {
			letters.write(letter("1 + \"2\"\t\\", new IllegalStateException("boom\non two lines"), 3));
			letters.write(new DeadLetter(Instant.EPOCH, "calc", DropReason.TOO_LARGE, null, 5_000_000, 0, null,
					StandardCharsets.UTF_8));
			letters.write(new DeadLetter(Instant.EPOCH, "calc", DropReason.MALFORMED,
					new byte[] { (byte) 0xff, 0, 'a' }, 3, 1, null, StandardCharsets.UTF_8));
		}
		List<JsonNode> records = read(file);
		assertThat(records).hasSize(3);
		JsonNode first = records.get(0);
		assertThat(first.path("time").asString()).isEqualTo("1970-01-01T00:00:00Z");
		assertThat(first.path("channel").asString()).isEqualTo("calc");
		assertThat(first.path("reason").asString()).isEqualTo("handler-error");
		assertThat(first.path("attempts").asInt()).isEqualTo(3);
		assertThat(first.path("exception").asString()).isEqualTo(IllegalStateException.class.getName());
		assertThat(first.path("message").asString()).isEqualTo("boom\non two lines");
		assertThat(first.path("line").asString()).isEqualTo("1 + \"2\"\t\\");
		assertThat(records.get(1).path("size").asLong()).isEqualTo(5_000_000);
		assertThat(records.get(1).has("line")).isFalse();
		assertThat(records.get(1).has("lineBase64")).isFalse();
		assertThat(records.get(2).has("line")).isFalse();
		assertThat(records.get(2).path("lineBase64").asString()).isEqualTo("/wBh");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
			.isEqualTo("rwx------");
	}

	@Test
	void rotatesAndKeepsTheHistory() throws IOException {
		Path file = this.directory.resolve("letters.jsonl");
		int recordSize = DeadLetterJson.toJson(letter("line 00", null, 1)).length;
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, recordSize * 3L, 2))) {
			for (int i = 0; i < 20; i++) {
				letters.write(letter(String.format("line %02d", i), null, 1));
			}
		}
		assertThat(lines(file)).containsExactly("line 18", "line 19");
		assertThat(lines(rotated(file, 1))).containsExactly("line 15", "line 16", "line 17");
		assertThat(lines(rotated(file, 2))).containsExactly("line 12", "line 13", "line 14");
		assertThat(rotated(file, 3)).doesNotExist();
		for (Path each : List.of(file, rotated(file, 1), rotated(file, 2))) {
			assertThat(Files.size(each)).isLessThanOrEqualTo(recordSize * 3L);
		}
	}

	@Test
	void withoutHistoryAFullFileIsBegunAgain() throws IOException {
		Path file = this.directory.resolve("letters.jsonl");
		int recordSize = DeadLetterJson.toJson(letter("line 00", null, 1)).length;
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, recordSize * 2L, 0))) {
			for (int i = 0; i < 5; i++) {
				letters.write(letter(String.format("line %02d", i), null, 1));
			}
		}
		assertThat(lines(file)).containsExactly("line 04");
		assertThat(rotated(file, 1)).doesNotExist();
	}

	@Test
	void appendsToItsOwnFileAfterARestart() throws IOException {
		Path file = this.directory.resolve("letters.jsonl");
		DeadLetterSettings settings = new DeadLetterSettings(file, 1024, 1);
		try (DeadLetterFile letters = new DeadLetterFile(settings)) {
			letters.write(letter("before", null, 1));
		}
		try (DeadLetterFile letters = new DeadLetterFile(settings)) {
			letters.write(letter("after", null, 1));
		}
		assertThat(lines(file)).containsExactly("before", "after");
	}

	@Test
	void refusesALinkAndLeavesItsTargetAlone() throws IOException {
		Path target = Files.writeString(this.directory.resolve("precious.txt"), "keep me\n");
		Path file = Files.createSymbolicLink(this.directory.resolve("letters.jsonl"), target);
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, 1024, 1))) {
			assertThatExceptionOfType(FileSystemException.class).isThrownBy(letters::open)
				.withMessageContaining("not a regular file");
			assertThatExceptionOfType(FileSystemException.class)
				.isThrownBy(() -> letters.write(letter("secret", null, 1)));
		}
		assertThat(target).hasContent("keep me");
	}

	/**
	 * Where {@code fs.protected_hardlinks} is 0, another user may give any file of this
	 * user a second name at the dead-letter path; the link is made here by this user,
	 * which the kernel allows whatever that setting.
	 */
	@Test
	void refusesAFileWithASecondNameAndLeavesItAlone() throws IOException {
		Path target = Files.writeString(this.directory.resolve("precious.txt"), "keep me\n");
		Path file = Files.createLink(this.directory.resolve("letters.jsonl"), target);
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, 1024, 1))) {
			assertThatExceptionOfType(FileSystemException.class).isThrownBy(letters::open)
				.withMessageContaining("2 names");
			assertThatExceptionOfType(FileSystemException.class)
				.isThrownBy(() -> letters.write(letter("secret", null, 1)));
		}
		assertThat(target).hasContent("keep me");
	}

	@Test
	void refusesAFifoWithoutBlocking() throws Exception {
		Path file = this.directory.resolve("letters.jsonl");
		Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).start();
		assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, 1024, 1))) {
			assertThatExceptionOfType(FileSystemException.class).isThrownBy(letters::open)
				.withMessageContaining("not a regular file");
		}
	}

	@Test
	void aFifoSwappedInWhileTheFileIsOpenedIsRefusedWithoutBlocking() throws Exception {
		Path file = this.directory.resolve("letters.jsonl");
		Path fifo = this.directory.resolve("planted");
		Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
		assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
		AtomicBoolean swapping = new AtomicBoolean(true);
		Thread swapper = new Thread(() -> {
			Path link = this.directory.resolve("planted.link");
			while (swapping.get()) {
				try {
					// Another name of the FIFO, moved over the file, then removed.
					Files.createLink(link, fifo);
					Files.move(link, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
					Files.deleteIfExists(file);
				}
				catch (IOException ex) {
					// the path changed under this thread too: go on
				}
			}
		});
		AtomicInteger opened = new AtomicInteger();
		AtomicInteger refused = new AtomicInteger();
		Thread opener = new Thread(() -> {
			// Until the swaps have been met often enough, however the threads are
			// scheduled.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
			for (int i = 0; (i < 3000 || refused.get() < 50) && System.nanoTime() < deadline; i++) {
				try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, 1024, 0))) {
					letters.open();
					opened.incrementAndGet();
				}
				catch (FileSystemException ex) {
					refused.incrementAndGet();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
		});
		swapper.start();
		opener.start();
		opener.join(TimeUnit.SECONDS.toMillis(20));
		swapping.set(false);
		swapper.join();
		boolean blocked = opener.isAlive();
		if (blocked) {
			// Let the writer blocked on the FIFO go: a reader opens it.
			new FileInputStream(fifo.toFile()).close();
		}
		assertThat(blocked).as("an open blocked on the FIFO").isFalse();
		assertThat(opened.get() + refused.get()).isGreaterThanOrEqualTo(3000);
		assertThat(refused.get()).isGreaterThanOrEqualTo(50);
	}

	@Test
	void refusesAFileOfAnotherUser() throws IOException {
		Path file = Files.writeString(this.directory.resolve("letters.jsonl"), "{}\n");
		Files.setAttribute(file, "unix:uid", 65534);
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, 1024, 1))) {
			assertThatExceptionOfType(FileSystemException.class).isThrownBy(letters::open)
				.withMessageContaining("owned by uid 65534");
		}
		assertThat(file).hasContent("{}");
	}

	@Test
	void rotationSkipsNamesHeldByWhatItDidNotCreate() throws Exception {
		Path file = this.directory.resolve("letters.jsonl");
		Path precious = Files.writeString(this.directory.resolve("precious.txt"), "keep me\n");
		Files.createSymbolicLink(rotated(file, 1), precious);
		Process mkfifo = new ProcessBuilder("mkfifo", rotated(file, 2).toString()).start();
		assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
		Files.createLink(rotated(file, 3), precious);
		Files.writeString(rotated(file, 4), "{}\n");
		Files.setAttribute(rotated(file, 4), "unix:uid", 65534);
		try (DeadLetterFile letters = new DeadLetterFile(new DeadLetterSettings(file, 10, 1))) {
			letters.write(letter("first", null, 1));
			letters.write(letter("second", null, 1));
			letters.write(letter("third", null, 1));
		}
		assertThat(lines(file)).containsExactly("third");
		assertThat(lines(rotated(file, 5))).containsExactly("second");
		assertThat(rotated(file, 6)).doesNotExist();
		assertThat(Files.readSymbolicLink(rotated(file, 1))).isEqualTo(precious);
		assertThat(Files.isRegularFile(rotated(file, 2), LinkOption.NOFOLLOW_LINKS)).isFalse();
		assertThat(precious).hasContent("keep me");
		assertThat(Files.getAttribute(precious, "unix:nlink")).isEqualTo(2);
		assertThat(rotated(file, 4)).hasContent("{}");
	}

	@Test
	void filesOfTheSamePathAreShared() {
		DeadLetterFiles files = new DeadLetterFiles();
		Path file = this.directory.resolve("letters.jsonl");
		DeadLetterFile first = files.get(new DeadLetterSettings(file, 1024, 1));
		assertThat(files.get(new DeadLetterSettings(this.directory.resolve("./letters.jsonl"), 1024, 1)))
			.isSameAs(first);
		assertThat(files.get(new DeadLetterSettings(this.directory.resolve("other.jsonl"), 1024, 1)))
			.isNotSameAs(first);
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> files.get(new DeadLetterSettings(file, 2048, 1)))
			.withMessageContaining("configured twice");
		// Once every channel that used it is gone, the path may be used with other sizes.
		files.release(new DeadLetterSettings(file, 1024, 1));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> files.get(new DeadLetterSettings(file, 2048, 1)));
		files.release(new DeadLetterSettings(file, 1024, 1));
		assertThat(files.get(new DeadLetterSettings(file, 2048, 1))).isNotSameAs(first);
	}

	@Test
	void aWriteAfterACloseKeepsNoDescriptorUntilTheFileIsOpenedAgain() throws IOException {
		Path file = this.directory.resolve("letters.jsonl");
		DeadLetterFiles files = new DeadLetterFiles();
		DeadLetterFile letters = files.get(new DeadLetterSettings(file, 1024 * 1024, 1));
		try {
			letters.open(); // as a channel does when it starts
			assertThat(OpenDescriptors.on(file)).isOne();
			// A stop closes the files; a line it left behind is accounted for after it.
			files.closeAll();
			assertThat(OpenDescriptors.on(file)).isZero();
			letters.write(letter("late", null, 1));
			assertThat(OpenDescriptors.on(file)).isZero();
			// The next start keeps the file open between records again.
			letters.open();
			letters.write(letter("next", null, 1));
			assertThat(OpenDescriptors.on(file)).isOne();
		}
		finally {
			letters.close();
		}
		assertThat(lines(file)).containsExactly("late", "next");
	}

	private static DeadLetter letter(String line, Throwable cause, int attempts) {
		byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
		return new DeadLetter(Instant.EPOCH, "calc", DropReason.HANDLER_ERROR, bytes, bytes.length, attempts, cause,
				StandardCharsets.UTF_8);
	}

	private static Path rotated(Path file, int index) {
		return file.resolveSibling(file.getFileName() + "." + index);
	}

	private static List<JsonNode> read(Path file) throws IOException {
		return Files.readAllLines(file).stream().map(json::readTree).toList();
	}

	private static List<String> lines(Path file) throws IOException {
		return read(file).stream().map((record) -> record.path("line").asString()).toList();
	}

}
