package io.pipeio.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What a server does on disk: creates, replaces and removes the FIFOs it manages, leaves
 * alone the ones it does not, and refuses (touching nothing) a path that holds anything
 * but a FIFO.
 */
class PipeServerFilesTests extends PipeServerTestSupport {

	@Test
	void managedPipesAreCreatedWithMissingParentsAndExactModeAndRemovedOnStop() throws Exception {
		Path in = this.dir.resolve("a/b/chan.in");
		Path out = this.dir.resolve("a/c/chan.out");
		// A umask that strips owner write and every group and other bit: the modes must
		// still be exact.
		int umask = TestPipes.umask(0277);
		PipeServer server;
		try {
			server = this.pipes.start(TestPipes.settings("chan", in, out)
				.permissions(PosixFilePermissions.fromString("rw-rw-rw-"))
				.build());
		}
		finally {
			TestPipes.umask(umask);
		}
		assertThat(TestPipes.isFifo(in)).isTrue();
		assertThat(TestPipes.isFifo(out)).isTrue();
		assertThat(TestPipes.mode(in) & 0777).isEqualTo(0666);
		assertThat(TestPipes.mode(out) & 0777).isEqualTo(0666);
		for (String created : new String[] { "a", "a/b", "a/c" }) {
			assertThat(TestPipes.mode(this.dir.resolve(created)) & 0777).as(created).isEqualTo(0700);
		}
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(in).doesNotExist();
		assertThat(out).doesNotExist();
	}

	@Test
	void existingParentDirectoryIsLeftAsItIs() throws Exception {
		Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwxr-x---"));
		this.pipes.start();
		assertThat(TestPipes.mode(this.dir) & 0777).isEqualTo(0750);
	}

	@Test
	void defaultModeIsOwnerReadWriteOnly() throws Exception {
		this.pipes.start();
		assertThat(TestPipes.mode(this.pipes.in()) & 0777).isEqualTo(0600);
		assertThat(TestPipes.mode(this.pipes.out()) & 0777).isEqualTo(0600);
	}

	@Test
	void staleFifoOfACrashedRunIsReusedWithWhatItHolds() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		TestPipes.mkfifo(this.pipes.out());
		long staleIn = TestPipes.inode(this.pipes.in());
		long staleOut = TestPipes.inode(this.pipes.out());
		// A client of the crashed run, still attached, with a line the new server must
		// serve.
		try (FileChannel stale = FileChannel.open(this.pipes.in(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			stale.write(ByteBuffer.wrap("stale\n".getBytes(StandardCharsets.US_ASCII)));
			PipeServer server = this.pipes.start();
			assertThat(TestPipes.inode(this.pipes.in())).isEqualTo(staleIn);
			assertThat(TestPipes.inode(this.pipes.out())).isEqualTo(staleOut);
			assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("stale");
			try (PipeTestClient writer = this.pipes.writer()) {
				writer.send("served");
			}
			assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("stale", "served");
			server.stop(TestPipes.STOP_TIMEOUT);
		}
		assertThat(this.pipes.in()).doesNotExist();
		assertThat(this.pipes.out()).doesNotExist();
	}

	@Test
	void clientWaitingToOpenTheStaleFifoIsServedAfterARestart() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		TestPipes.mkfifo(this.pipes.out());
		// Blocked in open: nobody reads the FIFO since its server died.
		Process waiting = TestProcesses.python("""
				import sys
				with open(sys.argv[1], "w") as pipe:
				    pipe.write("waited for the restart\\n")
				""", this.pipes.in().toString());
		try {
			this.pipes.start();
			assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("waited for the restart");
			TestProcesses.awaitSuccess(waiting);
		}
		finally {
			waiting.destroyForcibly();
		}
	}

	@Test
	void staleFifoWithAnotherModeIsReplaced() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		TestPipes.mkfifo(this.pipes.out());
		Files.setPosixFilePermissions(this.pipes.in(), PosixFilePermissions.fromString("rw-rw-rw-"));
		long staleIn = TestPipes.inode(this.pipes.in());
		// Held open so the stale inode stays allocated (a freed inode number is reused at
		// once).
		try (FileChannel stale = FileChannel.open(this.pipes.in(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			stale.write(ByteBuffer.wrap("stale\n".getBytes(StandardCharsets.US_ASCII)));
			this.pipes.start();
			assertThat(TestPipes.inode(this.pipes.in())).isNotEqualTo(staleIn);
			assertThat(TestPipes.mode(this.pipes.in()) & 0777).isEqualTo(0600);
			try (PipeTestClient writer = this.pipes.writer()) {
				writer.send("served");
			}
			assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("served");
		}
	}

	@Test
	void unmanagedPipesMustExistAndAreNeverCreated() throws Exception {
		Path in = this.dir.resolve("missing/test.in");
		Path out = this.dir.resolve("missing/test.out");
		PipeServer server = this.pipes.server(TestPipes.settings("test", in, out).managePipes(false).build());
		assertThatExceptionOfType(PipeFileException.class).isThrownBy(server::start)
			.withMessageContaining(in.toString())
			.withMessageContaining("manage-pipes")
			.satisfies((ex) -> assertThat(ex.getPath()).isEqualTo(in));
		assertThat(this.dir.resolve("missing")).doesNotExist();
		assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
	}

	@Test
	void unmanagedPipesAreServedAndLeftInPlace() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		TestPipes.mkfifo(this.pipes.out());
		Files.setPosixFilePermissions(this.pipes.in(), PosixFilePermissions.fromString("rw--w----"));
		long in = TestPipes.inode(this.pipes.in());
		long out = TestPipes.inode(this.pipes.out());
		PipeServer server = this.pipes.startEcho(this.pipes.settings().managePipes(false).build());
		try (PipeTestClient client = this.pipes.client()) {
			assertThat(client.request("unmanaged")).isEqualTo("unmanaged");
		}
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(TestPipes.inode(this.pipes.in())).isEqualTo(in);
		assertThat(TestPipes.inode(this.pipes.out())).isEqualTo(out);
		assertThat(TestPipes.mode(this.pipes.in()) & 0777).isEqualTo(0620);
	}

	@Test
	void regularFileIsRefusedAndLeftIntact() throws Exception {
		Files.writeString(this.pipes.out(), "precious\n");
		assertRefused(this.pipes.out(), "a regular file");
		assertThat(Files.readString(this.pipes.out())).isEqualTo("precious\n");
	}

	@Test
	void directoryIsRefusedAndLeftIntact() throws Exception {
		Files.createDirectory(this.pipes.in());
		Files.writeString(this.pipes.in().resolve("inside"), "kept");
		assertRefused(this.pipes.in(), "a directory");
		assertThat(Files.readString(this.pipes.in().resolve("inside"))).isEqualTo("kept");
	}

	@Test
	void symlinkToFifoIsRefusedAndLeftIntact() throws Exception {
		Path target = this.dir.resolve("elsewhere.fifo");
		TestPipes.mkfifo(target);
		long inode = TestPipes.inode(target);
		Files.createSymbolicLink(this.pipes.in(), target);
		assertRefused(this.pipes.in(), "a symbolic link");
		assertThat(Files.readSymbolicLink(this.pipes.in())).isEqualTo(target);
		assertThat(TestPipes.inode(target)).isEqualTo(inode);
	}

	@Test
	void symlinkToRegularFileIsRefusedAndTheFileUnchanged() throws Exception {
		Path target = this.dir.resolve("data.txt");
		Files.writeString(target, "do not overwrite\n");
		Files.createSymbolicLink(this.pipes.out(), target);
		assertRefused(this.pipes.out(), "a symbolic link");
		assertThat(Files.isSymbolicLink(this.pipes.out())).isTrue();
		assertThat(Files.readString(target)).isEqualTo("do not overwrite\n");
	}

	@Test
	void socketIsRefusedAndLeftIntact() throws Exception {
		try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			socket.bind(UnixDomainSocketAddress.of(this.pipes.in()));
			assertRefused(this.pipes.in(), "a socket");
			assertThat(TestPipes.mode(this.pipes.in()) & 0170000).isEqualTo(0140000);
		}
	}

	@ParameterizedTest(name = "manage-pipes: {0}")
	@ValueSource(booleans = { true, false })
	void aFifoWithAnotherNameIsRefusedAndLeftIntact(boolean managed) throws Exception {
		// Another program's FIFO, hard-linked to the pipe's path: served, the channel's
		// replies would go to that program; reused as a stale one, it would be unlinked.
		Path theirs = Files.createDirectory(this.dir.resolve("elsewhere")).resolve("commands");
		TestPipes.mkfifo(theirs);
		Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rw-------"));
		Files.createLink(this.pipes.out(), theirs);
		TestPipes.mkfifo(this.pipes.in());
		PipeServer server = this.pipes.server(this.pipes.settings().managePipes(managed).build());
		assertThatExceptionOfType(PipeFileException.class).isThrownBy(server::start)
			.withMessageContaining(this.pipes.out().toString())
			.withMessageContaining("has 2 names (hard links)")
			.satisfies((ex) -> assertThat(ex.getPath()).isEqualTo(this.pipes.out()));
		assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(TestPipes.inode(this.pipes.out())).isEqualTo(TestPipes.inode(theirs));
		assertThat((Integer) Files.getAttribute(theirs, "unix:nlink")).isEqualTo(2);
	}

	@Test
	void aFifoWithAnotherNamePutInPlaceOfARunningPipeIsNotServed() throws Exception {
		Path theirs = Files.createDirectory(this.dir.resolve("elsewhere")).resolve("commands");
		TestPipes.mkfifo(theirs);
		PipeServer server = this.pipes.startEcho(this.pipes.settings().build());
		// Put in place at once, as a rename does: no moment without a FIFO there.
		Path link = this.dir.resolve("link.tmp");
		Files.createLink(link, theirs);
		Files.move(link, this.pipes.out(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		await().atMost(Duration.ofSeconds(30)).until(() -> server.getState() == PipeServerState.FAILED);
		assertThat(server.getLastFailure()).hasMessageContaining("has 2 names (hard links)");
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat((Integer) Files.getAttribute(theirs, "unix:nlink")).isEqualTo(2);
	}

	@Test
	void refusalWithoutManagePipesAlsoNamesWhatWasFound() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		Files.writeString(this.pipes.out(), "x");
		PipeServer server = this.pipes.server(this.pipes.settings().managePipes(false).build());
		assertThatExceptionOfType(PipeFileException.class).isThrownBy(server::start)
			.withMessageContaining(this.pipes.out().toString())
			.withMessageContaining("a regular file");
		assertThat(Files.readString(this.pipes.out())).isEqualTo("x");
		assertThat(TestPipes.isFifo(this.pipes.in())).isTrue();
	}

	/**
	 * Start must fail naming the path and what is there; the other pipe must not have
	 * been created (nothing on disk is touched), and no thread must be left running.
	 */
	private void assertRefused(Path offending, String found) throws IOException {
		Path other = offending.equals(this.pipes.in()) ? this.pipes.out() : this.pipes.in();
		PipeServer server = this.pipes.server(this.pipes.settings().build());
		assertThatExceptionOfType(PipeFileException.class).isThrownBy(server::start)
			.withMessageContaining(offending.toString())
			.withMessageContaining(found)
			.satisfies((ex) -> assertThat(ex.getPath()).isEqualTo(offending));
		assertThat(other).doesNotExist();
		assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
		assertThat(server.getLastFailure()).isInstanceOf(PipeFileException.class);
		assertThat(TestPipes.engineThreads()).isEmpty();
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(server.getState()).isEqualTo(PipeServerState.STOPPED);
	}

}
