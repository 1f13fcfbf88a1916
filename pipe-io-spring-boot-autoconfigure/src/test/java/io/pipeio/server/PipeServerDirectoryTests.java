package io.pipeio.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The directory that holds the pipes is checked like OpenSSH's StrictModes before
 * anything is created in it: refused when another user could write to it (unless sticky),
 * owns it, or can change a symbolic link on the way; directories the server creates get
 * exactly the configured permissions.
 */
class PipeServerDirectoryTests extends PipeServerTestSupport {

	@Test
	void worldWritableDirectoryWithoutStickyBitIsRefusedAndLeftEmpty() throws Exception {
		Path shared = directory("shared", "rwxrwxrwx");
		assertThatExceptionOfType(UnsafeDirectoryException.class).isThrownBy(() -> startIn(shared))
			.withMessageContaining(shared.toString())
			.withMessageContaining("can be written by every user")
			.withMessageContaining("chmod go-w " + shared)
			.satisfies((ex) -> assertThat(ex.getPath()).isEqualTo(shared))
			// sticky, others could still take the pipes' names first
			.satisfies((ex) -> assertThat(ex.getFix()).isEqualTo("chmod go-w " + shared));
		assertThat(shared).isEmptyDirectory();
	}

	@Test
	void groupWritableDirectoryIsRefused() throws Exception {
		Path shared = directory("group", "rwxrwx---");
		assertThatExceptionOfType(UnsafeDirectoryException.class).isThrownBy(() -> startIn(shared))
			.withMessageContaining("can be written by its group (or, if it has an access control list, the users and"
					+ " groups that names) (mode rwxrwx---)");
		assertThat(shared).isEmptyDirectory();
	}

	@Test
	void worldWritableAncestorIsRefusedNamingIt() throws Exception {
		Path ancestor = directory("open", "rwxrwxrwx");
		Path pipes = Files.createDirectory(ancestor.resolve("pipes"));
		assertThatExceptionOfType(UnsafeDirectoryException.class).isThrownBy(() -> startIn(pipes))
			.withMessageContaining("its ancestor " + ancestor)
			.satisfies((ex) -> assertThat(ex.getFix())
				.isEqualTo("chmod go-w " + ancestor + " (or chmod +t " + ancestor + " to set the sticky bit)"));
		assertThat(pipes).isEmptyDirectory();
	}

	@Test
	void missingDirectoryUnderAWorldWritableAncestorIsNotCreated() throws Exception {
		Path ancestor = directory("open", "rwxrwxrwx");
		assertThatExceptionOfType(UnsafeDirectoryException.class).isThrownBy(() -> startIn(ancestor.resolve("a/b")));
		assertThat(ancestor).isEmptyDirectory();
	}

	@Test
	void stickyWorldWritableDirectoryIsAcceptedAndAnotherUserCannotSwapThePipes() throws Exception {
		Path shared = directory("sticky", "rwxrwxrwt");
		letOthersTraverse();
		PipeServer server = startEchoIn(shared);
		try (TestUser intruder = TestUser.create()) {
			String outcome = intruder.python("""
					import os, sys
					result = []
					for path in sys.argv[1:]:
					    os.lstat(path)  # the intruder reaches the FIFO: only the sticky bit stops it
					    try:
					        os.rename(path, path + ".moved")
					        result.append("moved")
					    except PermissionError:
					        result.append("denied")
					print(",".join(result))
					""", shared.resolve("test.in").toString(), shared.resolve("test.out").toString());
			assertThat(outcome.trim()).isEqualTo("denied,denied");
		}
		try (PipeTestClient client = PipeTestClient.connect(shared.resolve("test.in"), shared.resolve("test.out"))) {
			assertThat(client.request("still ours")).isEqualTo("still ours");
		}
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
	}

	@Test
	void inAStickyDirectoryAnotherUsersPlantedLinkIsNeitherFollowedNorDeleted() throws Exception {
		Path shared = directory("sticky", "rwxrwxrwt");
		letOthersTraverse();
		Path target = Files.writeString(this.dir.resolve("target"), "root's file\n");
		Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
		try (TestUser intruder = TestUser.create()) {
			// Where the server is about to create its FIFO, another user got there first.
			intruder.python("import os, sys; os.symlink(sys.argv[1], sys.argv[2])", target.toString(),
					shared.resolve("test.in").toString());
			assertThatExceptionOfType(PipeFileException.class).isThrownBy(() -> startIn(shared))
				.withMessageContaining("a symbolic link");
			assertThat(Files.isSymbolicLink(shared.resolve("test.in"))).isTrue();
			assertThat(TestPipes.mode(target) & 0777).isEqualTo(0644);
			assertThat(target).hasContent("root's file");
			// Once the intruder's file is gone, the channel starts; the intruder cannot
			// touch its FIFOs.
			TestProcesses.run("rm", shared.resolve("test.in").toString());
			startEchoIn(shared);
			String outcome = intruder.python("""
					import os, sys
					os.lstat(sys.argv[1])  # the intruder reaches the FIFO: only the sticky bit stops it
					try:
					    os.unlink(sys.argv[1])
					    print("removed")
					except PermissionError:
					    print("denied")
					""", shared.resolve("test.out").toString());
			assertThat(outcome.trim()).isEqualTo("denied");
		}
		try (PipeTestClient client = PipeTestClient.connect(shared.resolve("test.in"), shared.resolve("test.out"))) {
			assertThat(client.request("served")).isEqualTo("served");
		}
	}

	@Test
	void unmanagedFifosOfAnotherUserAreServedOnlyFromADirectoryOthersCannotWriteTo() throws Exception {
		Path shared = directory("sticky", "rwxrwxrwt");
		Path own = directory("own", "rwx------");
		letOthersTraverse();
		try (TestUser other = TestUser.create()) {
			for (Path directory : List.of(shared, own)) {
				for (String name : List.of("test.in", "test.out")) {
					TestPipes.mkfifo(directory.resolve(name));
					Files.setAttribute(directory.resolve(name), "unix:uid", other.uid);
				}
			}
			// anyone could have put them in the sticky directory
			assertThatExceptionOfType(PipeFileException.class)
				.isThrownBy(() -> this.pipes
					.start(TestPipes.settings("test", shared.resolve("test.in"), shared.resolve("test.out"))
						.managePipes(false)
						.build()))
				.withMessageContaining("belongs to user id " + other.uid)
				.withMessageContaining(shared + " can be written by every user")
				.withMessageContaining("Create the FIFO as this process's user");
			assertThat(TestPipes.isFifo(shared.resolve("test.in"))).isTrue();
			// only this user could have put them in its own directory
			PipeServer server = this.pipes
				.start(TestPipes.settings("test", own.resolve("test.in"), own.resolve("test.out"))
					.managePipes(false)
					.build());
			assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
		}
	}

	@Test
	void aLinkAnotherUserPutsOnTheWayAfterTheCheckIsNotFollowedToCreateDirectories() throws Exception {
		Path shared = directory("sticky", "rwxrwxrwt");
		letOthersTraverse();
		Path elsewhere = directory("elsewhere", "rwx------");
		Path pipes = shared.resolve("pipe-io-0/app");
		PipeDirectories.check("test", pipes);
		try (TestUser intruder = TestUser.create()) {
			// Between the check, which found nothing there, and the creation of the
			// missing directories.
			intruder.python("import os, sys; os.symlink(sys.argv[1], sys.argv[2])", elsewhere.toString(),
					shared.resolve("pipe-io-0").toString());
			assertThatExceptionOfType(UnsafeDirectoryException.class)
				.isThrownBy(() -> PipeDirectories.createMissing("the pipes of channel 'test'", pipes,
						PipeServerSettings.DEFAULT_DIRECTORY_PERMISSIONS))
				.withMessageContaining("is a symbolic link owned by user id " + intruder.uid);
			assertThat(elsewhere).isEmptyDirectory();
		}
	}

	@Test
	void aDirectoryAnotherUserPutsOnTheWayAfterTheCheckGetsNothingCreatedInIt() throws Exception {
		Path shared = directory("sticky", "rwxrwxrwt");
		letOthersTraverse();
		Path theirs = shared.resolve("pipe-io-0");
		Path pipes = theirs.resolve("app");
		PipeDirectories.check("test", pipes);
		try (TestUser intruder = TestUser.create()) {
			// Between the check and the creation: a directory in which the intruder could
			// swap the one created for a link before its mode is set.
			intruder.python("import os, sys; os.mkdir(sys.argv[1]); os.chmod(sys.argv[1], 0o777)", theirs.toString());
			assertThatExceptionOfType(UnsafeDirectoryException.class)
				.isThrownBy(() -> PipeDirectories.createMissing("the pipes of channel 'test'", pipes,
						PipeServerSettings.DEFAULT_DIRECTORY_PERMISSIONS))
				.withMessageContaining("belongs to user id " + intruder.uid);
			assertThat(theirs).isEmptyDirectory();
		}
	}

	@Test
	void aUserWhoMayNotCreateTheDirectoryInARootOwnedParentIsToldSoNotThatRootOwnsIt() throws Exception {
		Path parent = directory("root-owned", "rwxr-xr-x");
		letOthersTraverse();
		String classPath = TestUser.readableClassPath(this.dir.resolve("classpath"));
		try (TestUser user = TestUser.create()) {
			String java = ProcessHandle.current().info().command().orElseThrow();
			// no perf data: it would leave /tmp/hsperfdata_<user> behind once the user is
			// gone
			Process process = user.start(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp",
					classPath, PrepareDirectoryMain.class.getName(), parent.resolve("pipes").toString());
			String output = TestProcesses.awaitSuccess(process);
			assertThat(output).contains("AccessDeniedException").doesNotContain("belongs to user id");
		}
		assertThat(parent).isEmptyDirectory();
	}

	@Test
	void directoryOwnedByAnotherUserIsRefused() throws Exception {
		try (TestUser other = TestUser.create()) {
			Path theirs = directory("theirs", "rwxr-xr-x");
			Files.setAttribute(theirs, "unix:uid", other.uid);
			assertThatExceptionOfType(UnsafeDirectoryException.class).isThrownBy(() -> startIn(theirs))
				.withMessageContaining("belongs to user id " + other.uid)
				.withMessageContaining("use a directory this user owns");
			assertThat(theirs).isEmptyDirectory();
		}
	}

	@Test
	void ancestorOwnedByAnotherUserIsRefused() throws Exception {
		try (TestUser other = TestUser.create()) {
			Path theirs = directory("theirs", "rwxr-xr-x");
			Path pipes = Files.createDirectory(theirs.resolve("pipes"));
			Files.setAttribute(theirs, "unix:uid", other.uid);
			assertThatExceptionOfType(UnsafeDirectoryException.class).isThrownBy(() -> startIn(pipes))
				.withMessageContaining("its ancestor " + theirs + " belongs to user id " + other.uid);
		}
	}

	@Test
	void symbolicLinkOwnedByAnotherUserIsRefused() throws Exception {
		try (TestUser other = TestUser.create()) {
			Path target = directory("target", "rwx------");
			Path link = linkOwnedBy(other, "link", target);
			assertThatExceptionOfType(UnsafeDirectoryException.class).isThrownBy(() -> startIn(link))
				.withMessageContaining("is a symbolic link owned by user id " + other.uid);
			assertThat(target).isEmptyDirectory();
		}
	}

	@Test
	void aLinkOfAnotherUserInsideAnOwnLinksTargetIsRefused() throws Exception {
		try (TestUser other = TestUser.create()) {
			Path target = directory("target", "rwx------");
			// own link -> another user's link -> a safe directory: the real path alone
			// passes, but the other user could point the middle link elsewhere
			Path theirs = linkOwnedBy(other, "theirs", target);
			Path own = Files.createSymbolicLink(this.dir.resolve("own"), theirs);
			assertThatExceptionOfType(UnsafeDirectoryException.class).isThrownBy(() -> startIn(own))
				.withMessageContaining(": " + theirs + ", on the way there through a symbolic link, is a symbolic link"
						+ " owned by user id " + other.uid);
			Path ownInside = Files.createSymbolicLink(this.dir.resolve("own-inside"), Path.of("theirs/../target"));
			assertThatExceptionOfType(UnsafeDirectoryException.class).isThrownBy(() -> startIn(ownInside))
				.withMessageContaining("symbolic link owned by user id " + other.uid);
			assertThat(target).isEmptyDirectory();
		}
	}

	@Test
	void chainedOwnLinksWithRelativeTargetsLeadToTheDirectoryTheKernelOpens() throws Exception {
		Path safe = directory("safe", "rwx------");
		Path inner = Files.createDirectory(safe.resolve("inner"));
		// "../safe" is taken from the link's directory, ".." from the real directory
		// reached: up from safe/inner, not from the link's name
		Files.createSymbolicLink(this.dir.resolve("hop"), Path.of("safe/inner"));
		Path entry = Files.createSymbolicLink(this.dir.resolve("entry"), Path.of("hop/../inner"));
		startIn(entry);
		assertThat(TestPipes.isFifo(inner.resolve("test.in"))).isTrue();
		assertThat(safe.resolve("test.in")).doesNotExist();
	}

	@Test
	void ownSymbolicLinkIsFollowedButItsTargetIsCheckedToo() throws Exception {
		Path open = directory("open", "rwxrwxrwx");
		Path link = Files.createSymbolicLink(this.dir.resolve("to-open"), open);
		assertThatExceptionOfType(UnsafeDirectoryException.class).isThrownBy(() -> startIn(link))
			.withMessageContaining("can be written by every user");
		assertThat(open).isEmptyDirectory();
		Path safe = directory("safe", "rwx------");
		Path toSafe = Files.createSymbolicLink(this.dir.resolve("to-safe"), safe);
		startIn(toSafe);
		assertThat(TestPipes.isFifo(safe.resolve("test.in"))).isTrue();
	}

	@Test
	void createdDirectoriesGetExactlyTheDirectoryPermissions() throws Exception {
		Path pipes = this.dir.resolve("a/b");
		int umask = TestPipes.umask(0277);
		try {
			this.pipes.start(TestPipes.settings("test", pipes.resolve("test.in"), pipes.resolve("test.out"))
				.directoryPermissions(PosixFilePermissions.fromString("rwx--x---"))
				.build());
		}
		finally {
			TestPipes.umask(umask);
		}
		assertThat(TestPipes.mode(this.dir.resolve("a")) & 0777).isEqualTo(0710);
		assertThat(TestPipes.mode(pipes) & 0777).isEqualTo(0710);
	}

	@Test
	void directoryPermissionsThatLetOthersWriteAreRejected() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.pipes.settings().directoryPermissions(PosixFilePermissions.fromString("rwxrwx---")))
			.withMessageContaining("nobody else write access");
	}

	@Test
	void sharedDirectoryChecksRememberOnlyWhatPassedAndOnlyWhileOpen() throws Exception {
		Path pipes = directory("pipes", "rwx------");
		try (SharedDirectoryChecks checks = SharedDirectoryChecks.open()) {
			Files.setPosixFilePermissions(pipes, PosixFilePermissions.fromString("rwxrwx---"));
			// a failed check is not remembered
			assertThatExceptionOfType(UnsafeDirectoryException.class)
				.isThrownBy(() -> this.pipes
					.start(TestPipes.settings("a", pipes.resolve("a.in"), pipes.resolve("a.out")).build()))
				.withMessageContaining("can be written by its group");
			Files.setPosixFilePermissions(pipes, PosixFilePermissions.fromString("rwx------"));
			this.pipes.start(TestPipes.settings("b", pipes.resolve("b.in"), pipes.resolve("b.out")).build());
			this.pipes.start(TestPipes.settings("c", pipes.resolve("c.in"), pipes.resolve("c.out")).build());
		}
		// closed: the next start checks afresh
		Files.setPosixFilePermissions(pipes, PosixFilePermissions.fromString("rwxrwx---"));
		assertThatExceptionOfType(UnsafeDirectoryException.class).isThrownBy(
				() -> this.pipes.start(TestPipes.settings("d", pipes.resolve("d.in"), pipes.resolve("d.out")).build()))
			.withMessageContaining("can be written by its group");
		Files.setPosixFilePermissions(pipes, PosixFilePermissions.fromString("rwx------"));
	}

	/**
	 * Let other users reach what is inside the test directory (it is rwx------), as they
	 * can reach /tmp: otherwise an intruder is stopped before it even gets to the pipes.
	 */
	private void letOthersTraverse() throws Exception {
		Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwx--x--x"));
	}

	/** A symbolic link in the test directory, owned by another user (set as root). */
	private Path linkOwnedBy(TestUser user, String name, Path target) throws Exception {
		Path link = Files.createSymbolicLink(this.dir.resolve(name), target);
		Files.setAttribute(link, "unix:uid", user.uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
		return link;
	}

	private Path directory(String name, String permissions) throws Exception {
		Path directory = Files.createDirectory(this.dir.resolve(name));
		// Set after creation: the umask would strip group and other bits from the create
		// mode.
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(permissions.replace('t', 'x')));
		if (permissions.endsWith("t")) {
			TestProcesses.run("chmod", "+t", directory.toString());
		}
		return directory;
	}

	private PipeServer startIn(Path directory) throws Exception {
		return this.pipes
			.start(TestPipes.settings("test", directory.resolve("test.in"), directory.resolve("test.out")).build());
	}

	private PipeServer startEchoIn(Path directory) throws Exception {
		return this.pipes
			.startEcho(TestPipes.settings("test", directory.resolve("test.in"), directory.resolve("test.out")).build());
	}

}
