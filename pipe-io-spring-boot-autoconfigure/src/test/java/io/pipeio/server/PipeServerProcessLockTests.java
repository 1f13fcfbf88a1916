package io.pipeio.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * One server per pipe directory across processes: a second JVM ({@link OtherProcess})
 * serving a directory keeps this one out, touching nothing, until it stops or is killed;
 * the channels of one JVM share their directory's lock until the last of them stops.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipeServerProcessLockTests extends PipeServerTestSupport {

	private final List<OtherProcess> others = new ArrayList<>();

	private final List<Process> processes = new ArrayList<>();

	@AfterEach
	void killOthers() throws InterruptedException {
		for (OtherProcess other : this.others) {
			other.close();
		}
		for (Process process : this.processes) {
			process.destroyForcibly().waitFor();
		}
	}

	@Test
	void aDirectoryServedByAnotherProcessIsRefusedNamingItsPidAndItsPipesAreUntouched() throws Exception {
		OtherProcess other = launch("test", this.pipes.in(), this.pipes.out());
		other.startServing();
		long in = TestPipes.inode(this.pipes.in());
		long out = TestPipes.inode(this.pipes.out());
		PipeServer server = this.pipes.server(this.pipes.settings().build());
		assertThatExceptionOfType(PipeInUseException.class).isThrownBy(server::start)
			.withMessageContaining("process " + other.pid())
			.withMessageContaining(this.dir.toString())
			.withMessageContaining(lockFile().toString())
			.withMessageContaining("stop that process or configure another pipe-io.directory")
			.satisfies((ex) -> assertThat(ex.getPath()).isEqualTo(lockFile()));
		assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
		// Another channel in the same directory is refused too: the lock is the
		// directory's.
		PipeServer neighbour = this.pipes
			.server(TestPipes.settings("neighbour", this.dir.resolve("n.in"), this.dir.resolve("n.out")).build());
		assertThatExceptionOfType(PipeInUseException.class).isThrownBy(neighbour::start)
			.withMessageContaining("process " + other.pid());
		assertThat(this.dir.resolve("n.in")).doesNotExist();
		assertThat(TestPipes.inode(this.pipes.in())).isEqualTo(in);
		assertThat(TestPipes.inode(this.pipes.out())).isEqualTo(out);
		try (PipeTestClient client = this.pipes.client()) {
			assertThat(client.request("still served there")).isEqualTo("still served there");
		}
		assertThat(this.pipes.recorder.count()).isZero();
	}

	@Test
	void afterTheOtherProcessIsKilledAStartHereSucceeds() throws Exception {
		OtherProcess other = launch("test", this.pipes.in(), this.pipes.out());
		other.startServing();
		other.kill();
		// kill -9 left its FIFOs and lock file behind; the kernel released the lock
		// itself.
		assertThat(TestPipes.isFifo(this.pipes.in())).isTrue();
		assertThat(lockFile()).isRegularFile();
		PipeServer server = this.pipes.startEcho(this.pipes.settings().build());
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
		assertThat(lockedBy()).isEqualTo(ProcessHandle.current().pid() + "\n");
		try (PipeTestClient client = this.pipes.client()) {
			assertThat(client.request("served here")).isEqualTo("served here");
		}
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(this.pipes.in()).doesNotExist();
		assertThat(this.pipes.out()).doesNotExist();
		// The dead process created the lock file, not this one: it is reused and left in
		// place.
		assertThat(lockFile()).isRegularFile();
	}

	@Test
	void channelsOfOneJvmShareTheLockUntilTheLastOneStops() throws Exception {
		PipeServer a = this.pipes.start(channel("a"));
		PipeServer b = this.pipes.start(channel("b"));
		assertThat(lockedBy()).isEqualTo(ProcessHandle.current().pid() + "\n");
		OtherProcess other = launch("c", this.dir.resolve("c.in"), this.dir.resolve("c.out"));
		assertThat(other.start()).startsWith("REFUSED")
			.contains("process " + ProcessHandle.current().pid())
			.contains(lockFile().toString());
		a.stop(TestPipes.STOP_TIMEOUT);
		assertThat(lockFile()).isRegularFile();
		assertThat(other.start()).startsWith("REFUSED").contains("process " + ProcessHandle.current().pid());
		b.stop(TestPipes.STOP_TIMEOUT);
		// This JVM created the lock file, so the last channel to stop removes it.
		assertThat(lockFile()).doesNotExist();
		assertThat(this.dir).isEmptyDirectory();
		other.startServing();
		assertThat(lockedBy()).isEqualTo(other.pid() + "\n");
		assertThatExceptionOfType(PipeInUseException.class).isThrownBy(a::start)
			.withMessageContaining("process " + other.pid());
		other.stop();
		assertThat(this.dir).isEmptyDirectory();
		a.start();
		assertThat(a.getState()).isEqualTo(PipeServerState.RUNNING);
	}

	@Test
	void pipesInTwoDirectoriesLockBothAndAFailureReleasesTheFirst() throws Exception {
		Path left = Files.createDirectory(this.dir.resolve("left"));
		Path right = Files.createDirectory(this.dir.resolve("right"));
		OtherProcess other = launch("other", right.resolve("other.in"), right.resolve("other.out"));
		other.startServing();
		PipeServer server = this.pipes
			.server(TestPipes.settings("split", left.resolve("split.in"), right.resolve("split.out")).build());
		assertThatExceptionOfType(PipeInUseException.class).isThrownBy(server::start)
			.withMessageContaining("process " + other.pid())
			.withMessageContaining(right.resolve(LockFile.NAME).toString());
		assertThat(left).isEmptyDirectory();
		other.stop();
		server.start();
		assertThat(lockedBy(left)).isEqualTo(ProcessHandle.current().pid() + "\n");
		assertThat(lockedBy(right)).isEqualTo(ProcessHandle.current().pid() + "\n");
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(left).isEmptyDirectory();
		assertThat(right).isEmptyDirectory();
	}

	@Test
	void aDirectoryDeletedWhileServedIsLockedAgainBeforeItsPipesAreMadeThere() throws Exception {
		Path served = this.dir.resolve("served");
		Path in = served.resolve("gone.in");
		Path out = served.resolve("gone.out");
		PipeServer server = this.pipes.startEcho(TestPipes.settings("gone", in, out).build());
		long pid = ProcessHandle.current().pid();
		assertThat(lockedBy(served)).isEqualTo(pid + "\n");
		// The pipes, the lock file and the directory go at once, as with rm -rf.
		TestProcesses.run("rm", "-rf", served.toString());
		await().atMost(Duration.ofSeconds(15)).until(() -> TestPipes.isFifo(in) && TestPipes.isFifo(out));
		assertThat(lockedBy(served)).isEqualTo(pid + "\n");
		OtherProcess other = launch("other", served.resolve("other.in"), served.resolve("other.out"));
		assertThat(other.start()).startsWith("REFUSED").contains("process " + pid);
		assertThat(served.resolve("other.in")).doesNotExist();
		try (PipeTestClient client = PipeTestClient.connect(in, out)) {
			assertThat(client.request("still served here")).isEqualTo("still served here");
		}
		server.stop(TestPipes.STOP_TIMEOUT);
		// The lock file it made again is its own: removed with the pipes.
		assertThat(served).isEmptyDirectory();
	}

	@Test
	void aLockFileDeletedWhileItsPipesStayIsLockedAgain() throws Exception {
		PipeServer server = this.pipes.startEcho(this.pipes.settings().build());
		long pid = ProcessHandle.current().pid();
		// As a cleaner of old files in /tmp does: the pipes are written to, the lock
		// file is not.
		Files.delete(lockFile());
		await().atMost(Duration.ofSeconds(15)).until(() -> Files.isRegularFile(lockFile()));
		assertThat(lockedBy()).isEqualTo(pid + "\n");
		OtherProcess other = launch("other", this.dir.resolve("other.in"), this.dir.resolve("other.out"));
		assertThat(other.start()).startsWith("REFUSED").contains("process " + pid);
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(lockFile()).doesNotExist();
	}

	@Test
	void aLockFileReplacedByAnotherProcesssLockedFileIsAWarningNamingThatProcess() throws Exception {
		// the engine logs through commons-logging, which the tests bind to Logback
		Logger logger = (Logger) LoggerFactory.getLogger(DirectoryLocks.class);
		ListAppender<ILoggingEvent> logged = new ListAppender<>();
		logged.start();
		logger.addAppender(logged);
		try {
			assertWarnsOfALockFileReplaced(logged);
		}
		finally {
			logger.detachAppender(logged);
		}
	}

	private void assertWarnsOfALockFileReplaced(ListAppender<ILoggingEvent> logged) throws Exception {
		PipeServer server = this.pipes.startEcho(this.pipes.settings().build());
		// Another server that found the lock file gone and made its own, at once.
		Process other = TestProcesses.startWithInput(TestUser.PYTHON, "-c", """
				import fcntl, os, sys
				staging = sys.argv[1] + ".staging"
				lock = os.open(staging, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
				fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
				os.write(lock, ("%d\\n" % os.getpid()).encode())
				os.rename(staging, sys.argv[1])
				print("taken", flush=True)
				sys.stdin.read()
				""", lockFile().toString());
		this.processes.add(other);
		assertThat(other.inputReader().readLine()).as(() -> errors(other)).isEqualTo("taken");
		await().atMost(Duration.ofSeconds(15))
			.until(() -> warnings(logged).contains("was deleted and cannot be locked again"));
		assertThat(warnings(logged)).contains("pipe directory " + this.dir)
			.contains("another pipe-io server serves this directory: process " + other.pid())
			// the watchdog's check, not a start
			.doesNotContain("Cannot start channel");
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
		server.stop(TestPipes.STOP_TIMEOUT);
		// not this server's to remove
		assertThat(lockedBy()).isEqualTo(other.pid() + "\n");
	}

	@Test
	void aDirectoryDeletedAndTakenByAnotherProcessBeforeTheRepairFailsTheChannelNamingIt() throws Exception {
		Path served = this.dir.resolve("served");
		Path in = served.resolve("gone.in");
		Path out = served.resolve("gone.out");
		PipeServer server = this.pipes.startEcho(TestPipes.settings("gone", in, out).build());
		Process other = takeDirectory(served, false);
		await().atMost(Duration.ofSeconds(15)).until(() -> server.getLastFailure() instanceof PipeInUseException);
		assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
		assertThat(server.getLastFailure()).hasMessageContaining("process " + other.pid())
			.hasMessageContaining(served.resolve(LockFile.NAME).toString())
			// a repair of a channel that ran, not its start
			.hasMessageStartingWith("Channel 'gone' cannot lock its pipe directory " + served + " again");
		// No pipe is made in a directory another process holds.
		assertThat(in).doesNotExist();
		assertThat(out).doesNotExist();
		other.destroyForcibly().waitFor();
		// Its lock gone with it, the directory is this server's again: its lock file,
		// left behind, is locked and the pipes are made there.
		await().atMost(Duration.ofSeconds(15)).until(() -> server.getState() == PipeServerState.RUNNING);
		assertThat(lockedBy(served)).isEqualTo(ProcessHandle.current().pid() + "\n");
		try (PipeTestClient client = PipeTestClient.connect(in, out)) {
			assertThat(client.request("served here again")).isEqualTo("served here again");
		}
	}

	@Test
	void pipesAnotherProcessMadeInTheDirectoryItTookAreNotServed() throws Exception {
		Path served = this.dir.resolve("served");
		Path in = served.resolve("gone.in");
		Path out = served.resolve("gone.out");
		PipeServer server = this.pipes.startEcho(TestPipes.settings("gone", in, out).build());
		// As another pipe-io server starting on the directory while it is gone would: it
		// makes the directory, locks it and makes the same channel's pipes there.
		Process other = takeDirectory(served, true);
		await().atMost(Duration.ofSeconds(15)).until(() -> server.getLastFailure() instanceof PipeInUseException);
		assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
		assertThat(server.getLastFailure()).hasMessageContaining("process " + other.pid());
		// Nobody reads its in pipe: this server did not open it.
		assertThat(TestProcesses.awaitSuccess(TestProcesses.python("""
				import errno, os, sys
				try:
				    os.open(sys.argv[1], os.O_WRONLY | os.O_NONBLOCK)
				    print("read by someone")
				except OSError as e:
				    print("no reader" if e.errno == errno.ENXIO else e)
				""", in.toString()))).isEqualTo("no reader\n");
		assertThat(this.pipes.recorder.recreated).isEmpty();
	}

	/**
	 * Put in place of {@code served}, at once, a directory another process made and
	 * locked (with FIFOs for the channel {@code gone} if asked), as if the directory had
	 * been deleted and that process had made it again before this server's repair: the
	 * two are swapped with {@code renameat2(RENAME_EXCHANGE)}, so no watchdog round can
	 * see the path missing in between, and ours is then deleted.
	 * @return the process, which holds the lock until it is killed
	 */
	private Process takeDirectory(Path served, boolean withPipes) throws Exception {
		Process other = TestProcesses.startWithInput(TestUser.PYTHON, "-c", """
				import ctypes, fcntl, os, shutil, sys
				served, staging, with_pipes = sys.argv[1], sys.argv[2], sys.argv[3] == "pipes"
				os.mkdir(staging, 0o700)
				lock = os.open(os.path.join(staging, ".pipe-io.lock"), os.O_RDWR | os.O_CREAT, 0o600)
				fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
				os.write(lock, ("%d\\n" % os.getpid()).encode())
				if with_pipes:
				    os.mkfifo(os.path.join(staging, "gone.in"), 0o600)
				    os.mkfifo(os.path.join(staging, "gone.out"), 0o600)
				libc = ctypes.CDLL(None, use_errno=True)
				AT_FDCWD, RENAME_EXCHANGE = -100, 2
				if libc.renameat2(AT_FDCWD, staging.encode(), AT_FDCWD, served.encode(), RENAME_EXCHANGE) != 0:
				    raise OSError(ctypes.get_errno(), "renameat2")
				shutil.rmtree(staging)
				print("taken", flush=True)
				sys.stdin.read()
				""", served.toString(), this.dir.resolve("staging").toString(), withPipes ? "pipes" : "lock only");
		this.processes.add(other);
		assertThat(other.inputReader().readLine()).as(() -> errors(other)).isEqualTo("taken");
		return other;
	}

	private static String warnings(ListAppender<ILoggingEvent> logged) {
		// AppenderBase appends under the appender's lock
		synchronized (logged) {
			return logged.list.stream()
				.filter((event) -> event.getLevel() == Level.WARN)
				.map(ILoggingEvent::getFormattedMessage)
				.reduce("", (all, message) -> all + message + "\n");
		}
	}

	private static String errors(Process process) {
		try {
			return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	private OtherProcess launch(String channel, Path in, Path out) throws Exception {
		OtherProcess other = OtherProcess.launch(channel, in, out);
		this.others.add(other);
		return other;
	}

	private PipeServerSettings channel(String name) {
		return TestPipes.settings(name, this.dir.resolve(name + ".in"), this.dir.resolve(name + ".out")).build();
	}

	private Path lockFile() {
		return this.dir.resolve(LockFile.NAME);
	}

	private String lockedBy() throws Exception {
		return lockedBy(this.dir);
	}

	/**
	 * The content of a lock file, read by another process: closing a descriptor of the
	 * file in this JVM would drop the lock this JVM may hold on it.
	 */
	static String lockedBy(Path directory) throws Exception {
		return TestProcesses.run("cat", directory.resolve(LockFile.NAME).toString());
	}

}
