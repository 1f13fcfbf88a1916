package io.pipeio.server;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pipe directory the server may not write to, at start and when it stops being writable
 * while its channel runs: nothing is created, the start fails naming the file and the
 * fix, and a pipe deleted meanwhile fails the channel, naming it and the system's
 * refusal, until it can be made again. Root may write anywhere, so a refused permission
 * is tested with a server in a JVM of its own run as a throwaway user
 * ({@link OtherProcess}), and a read-only file system with a read-only mount.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@ExtendWith(ConsoleOutput.class)
class PipeServerReadOnlyDirectoryTests extends PipeServerTestSupport {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Test
	void aDirectoryThisUserMayNotWriteToIsRefusedAtStartNamingTheLockFileAndTheFix() throws Exception {
		String classPath = readableClassPath();
		try (TestUser user = TestUser.create()) {
			Path pipes = directoryOf(user, "r-x------");
			try (OtherProcess server = OtherProcess.launchAs(user, classPath, "ro", pipes.resolve("ro.in"),
					pipes.resolve("ro.out"))) {
				assertThat(server.start()).startsWith("REFUSED")
					.contains("Cannot start channel 'ro' in " + pipes)
					.contains("this user may not create the lock file " + pipes.resolve(LockFile.NAME))
					.contains("let this user write there, or configure another pipe-io.directory");
				assertThat(server.state()).startsWith("FAILED");
			}
			assertThat(pipes).isEmptyDirectory();
		}
	}

	@Test
	void aPipeDeletedWhileItsDirectoryIsNotWritableFailsTheChannelUntilItCanBeMadeAgain() throws Exception {
		String classPath = readableClassPath();
		try (TestUser user = TestUser.create()) {
			Path pipes = directoryOf(user, "rwx------");
			Path in = pipes.resolve("gone.in");
			Path out = pipes.resolve("gone.out");
			try (OtherProcess server = OtherProcess.launchAs(user, classPath, "gone", in, out)) {
				server.startServing();
				// Made read-only for its user while served; root deletes a pipe anyway.
				Files.setPosixFilePermissions(pipes, PosixFilePermissions.fromString("r-x------"));
				Files.delete(in);
				await().atMost(WAIT).until(() -> server.state().startsWith("FAILED"));
				assertThat(server.state()).contains("mkfifo(" + in + ")").contains("Permission denied");
				assertThat(in).doesNotExist();
				Files.setPosixFilePermissions(pipes, PosixFilePermissions.fromString("rwx------"));
				await().atMost(WAIT).until(() -> server.state().startsWith("RUNNING"));
				assertThat(TestPipes.isFifo(in)).isTrue();
				try (PipeTestClient client = PipeTestClient.connect(in, out)) {
					assertThat(client.request("served again")).isEqualTo("served again");
				}
				server.stop();
			}
			assertThat(pipes).isEmptyDirectory();
		}
	}

	@Test
	void aPipeDeletedOnAReadOnlyMountFailsTheChannelUntilItIsWritableAgain() throws Exception {
		Path served = Files.createDirectory(this.dir.resolve("served"));
		// The same directory, writable, for the test to delete a pipe through.
		Path writable = Files.createDirectory(this.dir.resolve("writable"));
		TestProcesses.run("mount", "--bind", served.toString(), writable.toString());
		try {
			Path in = served.resolve("gone.in");
			Path out = served.resolve("gone.out");
			PipeServer server = this.pipes.startEcho(TestPipes.settings("gone", in, out).build());
			// A read-only bind mount put over the directory while it is served (a remount
			// of the mount that holds it would be refused, EBUSY: the lock file is open
			// for writing).
			TestProcesses.run("mount", "--bind", "-o", "ro", served.toString(), served.toString());
			try {
				Files.delete(writable.resolve("gone.out"));
				await().atMost(WAIT).until(() -> server.getState() == PipeServerState.FAILED);
				assertThat(server.getLastFailure()).hasMessageContaining("mkfifo(" + out + ")")
					.hasMessageContaining("Read-only file system");
				assertThat(this.pipes.recorder.failures).hasSize(1);
			}
			finally {
				TestProcesses.run("umount", served.toString());
			}
			await().atMost(WAIT).until(() -> server.getState() == PipeServerState.RUNNING);
			assertThat(this.pipes.recorder.recreated).containsExactly(out);
			try (PipeTestClient client = PipeTestClient.connect(in, out)) {
				assertThat(client.request("served again")).isEqualTo("served again");
			}
			server.stop(TestPipes.STOP_TIMEOUT);
			assertThat(served).isEmptyDirectory();
		}
		finally {
			TestProcesses.run("umount", writable.toString());
		}
	}

	@Test
	void aStopOnAReadOnlyMountLeavesItsFifosToTheNextStartWhichReusesThem(ConsoleOutput.Captured output)
			throws Exception {
		Path served = Files.createDirectory(this.dir.resolve("served"));
		Path in = served.resolve("left.in");
		Path out = served.resolve("left.out");
		PipeServerSettings settings = TestPipes.settings("left", in, out).build();
		PipeServer server = this.pipes.startEcho(settings);
		TestProcesses.run("mount", "--bind", "-o", "ro", served.toString(), served.toString());
		try {
			server.stop(TestPipes.STOP_TIMEOUT);
			assertThat(server.getState()).isEqualTo(PipeServerState.STOPPED);
		}
		finally {
			TestProcesses.run("umount", served.toString());
		}
		for (Path left : List.of(in, out)) {
			assertThat(output.toString()).containsOnlyOnce("Channel 'left' stopped, but could not remove its FIFO "
					+ left + " (Read-only file system); the next start at that path reuses it");
		}
		assertThat(TestPipes.isFifo(in)).isTrue();
		assertThat(TestPipes.isFifo(out)).isTrue();
		// A line waiting in the FIFO left behind is read only if the start reuses it (an
		// inode number alone would not tell: a new FIFO may get the one just freed).
		try (FileChannel held = FileChannel.open(in, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			held.write(ByteBuffer.wrap("waited\n".getBytes(StandardCharsets.US_ASCII)));
			server.start();
			await().atMost(WAIT).until(() -> this.pipes.recorder.strings().contains("waited"));
		}
		try (PipeTestClient client = PipeTestClient.connect(in, out)) {
			assertThat(client.receive()).isEqualTo("waited");
			assertThat(client.request("served again")).isEqualTo("served again");
		}
		server.stop(TestPipes.STOP_TIMEOUT);
		// Its own FIFOs, reused, are removed by the stop that can.
		assertThat(in).doesNotExist();
		assertThat(out).doesNotExist();
	}

	/**
	 * Let the test user reach the test directory (it is rwx------) and read a copy of the
	 * class path in it.
	 */
	private String readableClassPath() throws Exception {
		Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwx--x--x"));
		return TestUser.readableClassPath(this.dir.resolve("classpath"));
	}

	/** A pipe directory of the user's own, with the given permissions. */
	private Path directoryOf(TestUser user, String permissions) throws Exception {
		Path directory = Files.createDirectory(this.dir.resolve("pipes"));
		Files.setAttribute(directory, "unix:uid", user.uid);
		Files.setAttribute(directory, "unix:gid", user.gid);
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(permissions));
		return directory;
	}

}
