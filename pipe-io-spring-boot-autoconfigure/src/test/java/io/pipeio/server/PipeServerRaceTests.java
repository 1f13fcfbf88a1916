package io.pipeio.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Creating, opening and removing a FIFO cannot be raced: what is opened is checked on the
 * descriptor, the mode is set on the descriptor, channels reach the checked file whatever
 * the path names by then, and only the very FIFO that was created is ever removed. Each
 * step is swapped under deterministically, then a real process races the whole start and
 * stop.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipeServerRaceTests extends PipeServerTestSupport {

	private static final String TARGET_CONTENT = "root's file, mode 0644\n";

	@Test
	void linkPlantedBetweenMkfifoAndOpenIsNotFollowedAndItsTargetKeepsItsMode() throws Exception {
		Path target = target();
		Path path = this.pipes.in();
		FifoDescriptor.mkfifo(path);
		swap(path, () -> Files.createSymbolicLink(temporary(), target));
		assertThatExceptionOfType(PipeFileException.class).isThrownBy(() -> FifoDescriptor.open(path))
			.withMessageContaining("symbolic link");
		assertThat(TestPipes.mode(target) & 0777).isEqualTo(0644);
		assertThat(target).hasContent(TARGET_CONTENT.strip());
		assertThat(Files.isSymbolicLink(path)).isTrue();
	}

	@Test
	void regularFilePlantedBetweenMkfifoAndOpenIsNeverUsed() throws Exception {
		Path path = this.pipes.out();
		FifoDescriptor.mkfifo(path);
		PipeFile created = PipeFile.inspect(path);
		swap(path, () -> Files.writeString(temporary(), "planted\n"));
		try (FifoDescriptor opened = FifoDescriptor.open(path)) {
			assertThat(opened.file().kind()).isEqualTo(FileKind.REGULAR_FILE);
		}
		assertThatExceptionOfType(PipeFileException.class).isThrownBy(() -> PipeFiles.open("test", "out", created))
			.withMessageContaining("replaced by a regular file");
		assertThat(path).hasContent("planted");
	}

	@Test
	void fifoSwappedBetweenCheckAndOpenIsRefused() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		PipeFile checked = PipeFiles.check("test", "in", this.pipes.in(), false);
		swap(this.pipes.in(), () -> {
			Path other = temporary();
			TestPipes.mkfifo(other);
			return other;
		});
		assertThatExceptionOfType(PipeFileException.class).isThrownBy(() -> PipeFiles.open("test", "in", checked))
			.withMessageContaining("replaced");
	}

	@Test
	void permissionsAreSetOnTheDescriptorNotThePath() throws Exception {
		Path target = target();
		Path path = this.pipes.in();
		FifoDescriptor.mkfifo(path);
		try (FifoDescriptor opened = FifoDescriptor.open(path)) {
			swap(path, () -> Files.createSymbolicLink(temporary(), target));
			opened.setPermissions(PosixFilePermissions.fromString("rw-rw-rw-"));
		}
		assertThat(TestPipes.mode(target) & 0777).isEqualTo(0644);
	}

	@Test
	void channelsReachTheCheckedFifoEvenAfterThePathWasSwapped() throws Exception {
		Path path = this.pipes.out();
		FifoDescriptor.mkfifo(path);
		try (FifoDescriptor opened = FifoDescriptor.open(path);
				FileChannel original = opened.openChannel(StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			swap(path, () -> Files.writeString(temporary(), ""));
			try (FileChannel again = opened.openChannel(StandardOpenOption.READ, StandardOpenOption.WRITE)) {
				again.write(ByteBuffer.wrap("through the descriptor\n".getBytes(StandardCharsets.US_ASCII)));
			}
			ByteBuffer read = ByteBuffer.allocate(64);
			original.read(read);
			assertThat(new String(read.array(), 0, read.position(), StandardCharsets.US_ASCII))
				.isEqualTo("through the descriptor\n");
		}
		assertThat(path).hasContent("");
	}

	@Test
	void stopRemovesOnlyTheFifoItCreatedNotWhatWasPutInItsPlace() throws Exception {
		PipeServer server = this.pipes.start();
		Path planted = swap(this.pipes.in(), () -> Files.writeString(temporary(), "planted\n"));
		Path link = swap(this.pipes.out(), () -> Files.createSymbolicLink(temporary(), target()));
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(this.pipes.in()).hasContent("planted");
		assertThat(Files.isSymbolicLink(this.pipes.out())).isTrue();
		assertThat(planted).doesNotExist(); // renamed into place, not copied
		assertThat(link).doesNotExist();
	}

	/**
	 * A process swaps each FIFO it sees at a pipe path, as fast as it can, for a symbolic
	 * link to a file of root's or a hard link to a planted request, while the server
	 * starts and stops again and again. Whoever wins each race (the count depends on
	 * scheduling, so it is not asserted), the server must never follow the link, serve
	 * the planted file or write into it.
	 */
	@Test
	void racingProcessNeverGetsAFileUsedFollowedOrChanged() throws Exception {
		Path target = target();
		Path planted = Files.writeString(this.dir.resolve("planted"), "planted request\n");
		Process racer = TestProcesses.python("""
				import os, stat, sys, time
				paths, target, planted = sys.argv[1:3], sys.argv[3], sys.argv[4]
				deadline = time.monotonic() + 300
				n = 0
				print("racing", flush=True)
				while time.monotonic() < deadline:
				    for path in paths:
				        tmp = path + ".racer"
				        try:
				            if not stat.S_ISFIFO(os.lstat(path).st_mode):
				                continue
				            n += 1
				            if n % 2:
				                os.symlink(target, tmp)
				            else:
				                os.link(planted, tmp)
				            os.rename(tmp, path)
				        except OSError:
				            pass
				""", this.pipes.in().toString(), this.pipes.out().toString(), target.toString(), planted.toString());
		try (BufferedReader output = racer.inputReader()) {
			assertThat(output.readLine()).isEqualTo("racing");
			for (int i = 0; i < 200; i++) {
				PipeServer server = this.pipes.server(this.pipes.settings().build());
				try {
					server.start();
					server.send("reply that must not leak".getBytes(StandardCharsets.US_ASCII));
				}
				catch (IOException | PipeSendException ex) {
					// The racer won this round: refusing is the right answer.
				}
				finally {
					server.stop(TestPipes.STOP_TIMEOUT);
				}
				Files.deleteIfExists(this.pipes.in());
				Files.deleteIfExists(this.pipes.out());
			}
			assertThat(racer.isAlive()).as("racer still racing").isTrue();
		}
		finally {
			racer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		assertThat(TestPipes.mode(target) & 0777).isEqualTo(0644);
		assertThat(target).hasContent(TARGET_CONTENT.strip());
		assertThat(planted).hasContent("planted request");
		assertThat(this.pipes.recorder.strings()).doesNotContain("planted request");
	}

	/**
	 * A root-owned file with mode 0644: what a local attacker who swaps the path aims at.
	 */
	private Path target() throws IOException {
		Path target = this.dir.resolve("target");
		if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
			Files.writeString(target, TARGET_CONTENT);
			Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
		}
		return target;
	}

	private Path temporary() {
		return this.dir.resolve("swap-" + System.nanoTime());
	}

	/**
	 * Put a new file in place of the path in one rename, as an attacker would; returns
	 * its old name.
	 */
	private Path swap(Path path, Planter planter) throws Exception {
		Path replacement = planter.plant();
		Files.move(replacement, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		return replacement;
	}

	@FunctionalInterface
	private interface Planter {

		Path plant() throws Exception;

	}

}
