package io.pipeio.server;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The lock file {@code .pipe-io.lock} on disk: created with an exact owner-only mode and
 * this process's id, removed by the last channel to stop, a stale one reused and left in
 * place, and anything but a regular file of this user with a single name at its path
 * refused and left untouched.
 */
class PipeServerLockFileTests extends PipeServerTestSupport {

	@Test
	void createdOwnerOnlyWithTheProcessIdAndRemovedOnStop() throws Exception {
		int umask = TestPipes.umask(0277);
		PipeServer server;
		try {
			server = this.pipes.start();
		}
		finally {
			TestPipes.umask(umask);
		}
		assertThat(TestPipes.mode(lockFile()) & 0777).isEqualTo(0600);
		assertThat(PipeServerProcessLockTests.lockedBy(this.dir)).isEqualTo(ProcessHandle.current().pid() + "\n");
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(this.dir).isEmptyDirectory();
	}

	@Test
	void aStaleLockFileIsReusedAndLeftInPlace() throws Exception {
		Files.writeString(lockFile(), "999999999\n");
		long inode = TestPipes.inode(lockFile());
		PipeServer server = this.pipes.start();
		assertThat(TestPipes.inode(lockFile())).isEqualTo(inode);
		assertThat(PipeServerProcessLockTests.lockedBy(this.dir)).isEqualTo(ProcessHandle.current().pid() + "\n");
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(TestPipes.inode(lockFile())).isEqualTo(inode);
	}

	@Test
	void symbolicLinkIsRefusedAndLinkAndTargetAreLeftAlone(@TempDir Path elsewhere) throws Exception {
		Path target = Files.writeString(elsewhere.resolve("target.txt"), "do not write here\n");
		Files.createSymbolicLink(lockFile(), target);
		assertRefused("a symbolic link");
		assertThat(Files.readSymbolicLink(lockFile())).isEqualTo(target);
		assertThat(Files.readString(target)).isEqualTo("do not write here\n");
	}

	@Test
	void symbolicLinkToNothingIsRefusedAndNothingIsCreated(@TempDir Path elsewhere) throws Exception {
		Path target = elsewhere.resolve("would-be-created");
		Files.createSymbolicLink(lockFile(), target);
		assertRefused("a symbolic link");
		assertThat(target).doesNotExist();
	}

	@Test
	void fileWithOtherContentIsRefusedAndLeftIntact() throws Exception {
		Files.writeString(lockFile(), "precious\n");
		assertRefused("holds something other than the process id");
		assertThat(Files.readString(lockFile())).isEqualTo("precious\n");
	}

	/**
	 * Where {@code fs.protected_hardlinks} is 0, another user may give a file of this
	 * user (an empty pid file, say) a second name at the lock path; the link is made here
	 * by this user, which the kernel allows whatever that setting.
	 */
	@Test
	void fileWithASecondNameIsRefusedAndLeftIntact(@TempDir Path elsewhere) throws Exception {
		Path target = Files.createFile(elsewhere.resolve("daemon.pid"));
		Files.createLink(lockFile(), target);
		assertRefused("2 names");
		assertThat(target).isEmptyFile();
		assertThat(Files.getAttribute(target, "unix:nlink")).isEqualTo(2);
	}

	@Test
	void directoryIsRefusedAndLeftIntact() throws Exception {
		Files.createDirectory(lockFile());
		Files.writeString(lockFile().resolve("inside"), "kept");
		assertRefused("a directory");
		assertThat(Files.readString(lockFile().resolve("inside"))).isEqualTo("kept");
	}

	@Test
	void fifoIsRefusedAndLeftIntact() throws Exception {
		TestPipes.mkfifo(lockFile());
		long inode = TestPipes.inode(lockFile());
		assertRefused("a FIFO");
		assertThat(TestPipes.inode(lockFile())).isEqualTo(inode);
	}

	/**
	 * A file of another user cannot be planted without root, so the check is given
	 * another user id than the real file's owner.
	 */
	@Test
	void fileOfAnotherUserIsRefused() throws Exception {
		Files.writeString(lockFile(), "");
		PipeFile found = PipeFile.inspect(lockFile());
		assertThatExceptionOfType(PipeFileException.class)
			.isThrownBy(() -> LockFile.checkUsable(found, found.uid() + 1, "Cannot test: "))
			.withMessageContaining(lockFile().toString())
			.withMessageContaining("belongs to user id " + found.uid());
		LockFile.checkUsable(found, found.uid(), "Cannot test: ");
	}

	@Test
	void unmanagedPipesInAMissingDirectoryFailAsBeforeAndCreateNothing() throws Exception {
		Path missing = this.dir.resolve("missing");
		PipeServer server = this.pipes
			.server(TestPipes.settings("test", missing.resolve("t.in"), missing.resolve("t.out"))
				.managePipes(false)
				.build());
		assertThatExceptionOfType(PipeFileException.class).isThrownBy(server::start)
			.withMessageContaining("manage-pipes");
		assertThat(missing).doesNotExist();
	}

	@Test
	void unmanagedPipesAreLockedToo() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		TestPipes.mkfifo(this.pipes.out());
		PipeServer server = this.pipes.start(this.pipes.settings().managePipes(false).build());
		assertThat(lockFile()).isRegularFile();
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(lockFile()).doesNotExist();
		assertThat(TestPipes.isFifo(this.pipes.in())).isTrue();
	}

	/** Start must fail naming the lock file and what is there, creating no pipe. */
	private void assertRefused(String found) throws Exception {
		PipeServer server = this.pipes.server(this.pipes.settings().build());
		assertThatExceptionOfType(PipeFileException.class).isThrownBy(server::start)
			.withMessageContaining(lockFile().toString())
			.withMessageContaining(found)
			.withMessageContaining("pipe-io.directory")
			.satisfies((ex) -> assertThat(ex.getPath()).isEqualTo(lockFile()));
		assertThat(this.pipes.in()).doesNotExist();
		assertThat(this.pipes.out()).doesNotExist();
		assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
	}

	private Path lockFile() {
		return this.dir.resolve(LockFile.NAME);
	}

}
