package io.pipeio.server;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * {@link OwnFiles#moveNoReplace}: a file is renamed only to a free name, and what is at a
 * taken one is left alone, both with {@code renameat2} and with the {@code link} and
 * {@code unlink} used where that call is missing; {@link OwnFiles#exchange} swaps two
 * names; {@link OwnFiles#createNew} creates only where nothing is.
 */
class OwnFilesMoveTests {

	@TempDir
	Path dir;

	@Test
	void movesTheFileToAFreeName() throws IOException {
		Path source = Files.writeString(this.dir.resolve("letters.jsonl"), "mine\n");
		long inode = TestPipes.inode(source);
		Path target = this.dir.resolve("letters.jsonl.1");
		OwnFiles.moveNoReplace(source, target);
		assertThat(source).doesNotExist();
		assertThat(target).hasContent("mine");
		assertThat(TestPipes.inode(target)).isEqualTo(inode);
		assertThat(Files.getAttribute(target, "unix:nlink")).isEqualTo(1);
	}

	@Test
	void leavesBothAloneWhenTheNameIsTaken() throws IOException {
		Path source = Files.writeString(this.dir.resolve("letters.jsonl"), "mine\n");
		Path target = Files.writeString(this.dir.resolve("letters.jsonl.1"), "theirs\n");
		assertThatExceptionOfType(FileAlreadyExistsException.class)
			.isThrownBy(() -> OwnFiles.moveNoReplace(source, target))
			.withMessageContaining(target.toString())
			.withMessageContaining("never replaces");
		assertThat(source).hasContent("mine");
		assertThat(target).hasContent("theirs");
	}

	@Test
	void withoutRenameat2TheFileIsLinkedThenUnlinked() throws IOException {
		Path source = Files.writeString(this.dir.resolve("letters.jsonl"), "mine\n");
		long inode = TestPipes.inode(source);
		Path target = this.dir.resolve("letters.jsonl.1");
		PosixRenames.moveByLink(source.toString(), target.toString());
		assertThat(source).doesNotExist();
		assertThat(TestPipes.inode(target)).isEqualTo(inode);
		assertThat(Files.getAttribute(target, "unix:nlink")).isEqualTo(1);
		Path other = Files.writeString(this.dir.resolve("other.jsonl"), "other\n");
		assertThatIOException().isThrownBy(() -> PosixRenames.moveByLink(other.toString(), target.toString()))
			.satisfies((ex) -> assertThat(Posix.errno(ex)).isEqualTo(Posix.EEXIST));
		assertThat(other).hasContent("other");
		assertThat(target).hasContent("mine");
	}

	@Test
	void exchangeSwapsTwoFiles() throws IOException {
		Path full = Files.writeString(this.dir.resolve("letters.jsonl"), "full\n");
		Path empty = this.dir.resolve("letters.jsonl.rotating-1");
		OwnFiles.createNew(empty);
		long fullInode = TestPipes.inode(full);
		long emptyInode = TestPipes.inode(empty);
		assertThat(OwnFiles.exchange(empty, full)).isTrue();
		assertThat(full).isEmptyFile();
		assertThat(TestPipes.inode(full)).isEqualTo(emptyInode);
		assertThat(empty).hasContent("full");
		assertThat(TestPipes.inode(empty)).isEqualTo(fullInode);
	}

	@Test
	void exchangeLeavesAFileAloneWhenTheOtherIsMissing() throws IOException {
		Path file = Files.writeString(this.dir.resolve("letters.jsonl"), "mine\n");
		Path missing = this.dir.resolve("letters.jsonl.rotating-1");
		assertThatExceptionOfType(NoSuchFileException.class).isThrownBy(() -> OwnFiles.exchange(missing, file));
		assertThat(file).hasContent("mine");
		assertThat(missing).doesNotExist();
	}

	@Test
	void createNewMakesAnEmptyFileOfThisUserOnly() throws IOException {
		Path file = this.dir.resolve("letters.jsonl");
		OwnFiles.createNew(file);
		assertThat(file).isEmptyFile();
		assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThatExceptionOfType(FileAlreadyExistsException.class).isThrownBy(() -> OwnFiles.createNew(file));
		Path link = Files.createSymbolicLink(this.dir.resolve("link.jsonl"), this.dir.resolve("nowhere"));
		assertThatExceptionOfType(FileAlreadyExistsException.class).isThrownBy(() -> OwnFiles.createNew(link));
		assertThat(this.dir.resolve("nowhere")).doesNotExist();
	}

}
