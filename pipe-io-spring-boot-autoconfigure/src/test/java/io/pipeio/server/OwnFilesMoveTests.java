package io.pipeio.server;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * {@link OwnFiles#moveNoReplace}: a file is renamed only to a free name, and what is at a
 * taken one is left alone, both with {@code renameat2} and with the {@code link} and
 * {@code unlink} used where that call is missing.
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

}
