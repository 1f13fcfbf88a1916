package io.pipeio.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.OpenDescriptors;
import io.pipeio.testsupport.Python;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pipes deleted or replaced under a running server: noticed within a second, re-created
 * (when managed) and served to new clients, while clients attached to the old pipe keep
 * being served until they close. What the server did not create it never removes.
 */
class PipeServerRecoveryTests extends PipeServerTestSupport {

	private static final Duration NOTICED_WITHIN = Duration.ofSeconds(1);

	@Test
	void deletedInPipeIsRecreatedAndServed() throws Exception {
		PipeServer server = this.pipes.start();
		long original = TestPipes.inode(this.pipes.in());
		Files.delete(this.pipes.in());
		await().atMost(NOTICED_WITHIN).until(() -> TestPipes.isFifo(this.pipes.in()));
		assertThat(TestPipes.inode(this.pipes.in())).isNotEqualTo(original);
		assertThat(TestPipes.mode(this.pipes.in()) & 0777).isEqualTo(0600);
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("to the new pipe");
		}
		assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("to the new pipe");
		assertThat(this.pipes.recorder.recreated).containsExactly(this.pipes.in());
		assertThat(this.pipes.recorder.recreatedByServer).containsExactly(true);
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(this.pipes.in()).doesNotExist();
	}

	@Test
	void deletedOutPipeIsRecreatedAndServed() throws Exception {
		PipeServer server = this.pipes.start();
		Files.delete(this.pipes.out());
		await().atMost(NOTICED_WITHIN).until(() -> TestPipes.isFifo(this.pipes.out()));
		await().atMost(Duration.ofSeconds(1)).until(() -> this.pipes.recorder.recreated.contains(this.pipes.out()));
		server.send("to the new pipe".getBytes(StandardCharsets.UTF_8));
		try (PipeTestClient reader = this.pipes.reader()) {
			assertThat(reader.receive()).isEqualTo("to the new pipe");
		}
		// nothing was queued for the old pipe: no reason to drop for, no meter for one
		List<DropReason> dropReasons = new ArrayList<>();
		server.getStatistics().forEachDropReason(dropReasons::add);
		assertThat(dropReasons).isEmpty();
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(this.pipes.out()).doesNotExist();
	}

	@Test
	void linesNobodyReadFromADeletedOutPipeAreCountedAsDropped() throws Exception {
		PipeServer server = this.pipes.start();
		for (int i = 0; i < 3; i++) {
			server.sendAsync(("unread " + i).getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
		}
		Files.delete(this.pipes.out());
		await().atMost(Duration.ofSeconds(2)).until(() -> this.pipes.recorder.recreated.contains(this.pipes.out()));
		assertThat(server.getStatistics().getDropped(DropReason.PIPE_REPLACED)).isEqualTo(3);
		server.send("after".getBytes(StandardCharsets.UTF_8));
		try (PipeTestClient reader = this.pipes.reader()) {
			assertThat(reader.receive()).isEqualTo("after");
		}
	}

	@Test
	void linesOfADeletedOutPipeAreLeftToTheClientStillReadingIt() throws Exception {
		PipeServer server = this.pipes.start();
		// A client that opened the out pipe and reads only when told to (a line on its
		// stdin).
		Process client = TestProcesses.startWithInput(Python.interpreter(), "-c", """
				import sys
				pipe = open(sys.argv[1], "rb")
				print("open", flush=True)
				sys.stdin.readline()
				print(pipe.readline().decode().strip(), flush=True)
				""", this.pipes.out().toString());
		try (java.io.BufferedReader output = client.inputReader()) {
			assertThat(output.readLine()).isEqualTo("open");
			server.sendAsync("for the attached client".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
			Files.delete(this.pipes.out());
			await().atMost(Duration.ofSeconds(2)).until(() -> this.pipes.recorder.recreated.contains(this.pipes.out()));
			client.getOutputStream().write('\n');
			client.getOutputStream().flush();
			assertThat(output.readLine()).isEqualTo("for the attached client");
		}
		finally {
			client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		assertThat(server.getStatistics().getDropped(DropReason.PIPE_REPLACED)).isZero();
	}

	@Test
	void anOutPipeReplacedInTheMiddleOfABatchGivesEachLineWholeToOneReader() throws Exception {
		PipeServer server = this.pipes.start(this.pipes.settings().bufferSize(16 * 1024).build());
		List<String> lines = new ArrayList<>();
		for (int i = 0; i < 96; i++) {
			// 1,001 bytes with the newline
			lines.add(String.format("%04d", i) + "x".repeat(996));
		}
		ByteArrayOutputStream fromOld = new ByteArrayOutputStream();
		// The old pipe's client; it opens at once, the server holding a writer.
		try (FileChannel old = FileChannel.open(this.pipes.out(), StandardOpenOption.READ)) {
			// 96 KB: the pipe takes 64 KiB, the writer waits with the rest.
			for (String line : lines) {
				server.sendAsync(line.getBytes(StandardCharsets.UTF_8));
			}
			// Room for the writer to go on, and to stop again, likely within a chunk
			// that begins in the middle of a line (chunks are 16 KiB).
			ByteBuffer buffer = ByteBuffer.allocate(20_000);
			while (buffer.hasRemaining()) {
				old.read(buffer);
			}
			fromOld.write(buffer.array());
			Files.delete(this.pipes.out());
			await().atMost(Duration.ofSeconds(2)).until(() -> this.pipes.recorder.recreated.contains(this.pipes.out()));
			// The old pipe ends (EOF) once the server let go of it.
			buffer = ByteBuffer.allocate(64 * 1024);
			while (old.read(buffer.clear()) >= 0) {
				fromOld.write(buffer.array(), 0, buffer.position());
			}
		}
		String old = fromOld.toString(StandardCharsets.UTF_8);
		int whole = old.lastIndexOf('\n') + 1;
		List<String> oldLines = List.of(old.substring(0, whole).split("\n"));
		assertThat(oldLines).isEqualTo(lines.subList(0, oldLines.size()));
		assertThat(lines.get(oldLines.size())).startsWith(old.substring(whole));
		try (PipeTestClient reader = this.pipes.reader()) {
			// From the first line the old pipe did not take whole: no part of a line,
			// none twice.
			assertThat(reader.receiveLines(96 - oldLines.size())).isEqualTo(lines.subList(oldLines.size(), 96));
		}
		assertThat(server.getStatistics().getDropped(DropReason.PIPE_REPLACED)).isZero();
	}

	@Test
	void aLineCutByAFullOutPipeNobodyReadsIsDeliveredWholeToTheNewPipeAndNotCountedLostWithTheOld() throws Exception {
		PipeServer server = this.pipes.start();
		List<String> lines = new ArrayList<>();
		List<CompletableFuture<Void>> written = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			// 10,001 bytes with the newline, more than a pipe writes at once: the full
			// pipe takes part of the line it fills up with
			lines.add(String.format("%04d", i) + "x".repeat(9996));
			written.add(server.sendAsync(lines.get(i).getBytes(StandardCharsets.UTF_8)));
		}
		// Less room than a line is left: the writer waits in the middle of one.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> PipeContents.unreadBytes(this.pipes.out()) > 64 * 1024 - 10_001);
		Files.delete(this.pipes.out());
		await().atMost(Duration.ofSeconds(2)).until(() -> this.pipes.recorder.recreated.contains(this.pipes.out()));
		int firstInNewPipe;
		try (PipeTestClient reader = this.pipes.reader()) {
			String first = reader.receive();
			firstInNewPipe = lines.indexOf(first);
			assertThat(firstInNewPipe).as(first.substring(0, 4)).isPositive();
			assertThat(reader.receiveLines(lines.size() - firstInNewPipe - 1))
				.isEqualTo(lines.subList(firstInNewPipe + 1, lines.size()));
		}
		CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
		// Lost with the old pipe: the whole lines nobody read, not the one it took part
		// of, which the new pipe's reader got whole.
		assertThat(server.getStatistics().getDropped(DropReason.PIPE_REPLACED)).isEqualTo(firstInNewPipe);
		assertThat(server.getStatistics().getSentMessages()).isEqualTo(lines.size());
	}

	@Test
	void bothPipesDeletedWhileAttachedServeOldAndNewClients() throws Exception {
		this.pipes.startEcho(this.pipes.settings().build());
		PipeTestClient old = this.pipes.client();
		assertThat(old.request("before")).isEqualTo("before");
		Files.delete(this.pipes.in());
		Files.delete(this.pipes.out());
		await().atMost(NOTICED_WITHIN).until(() -> this.pipes.recorder.recreated.size() == 2);
		// The old client still writes into the deleted in pipe: its lines are still read.
		old.send("from the old client");
		try (PipeTestClient client = this.pipes.client()) {
			assertThat(client.receive()).isEqualTo("from the old client");
			assertThat(client.request("new client")).isEqualTo("new client");
		}
		assertThat(this.pipes.recorder.strings()).containsExactly("before", "from the old client", "new client");
	}

	@Test
	void replacedPipeIsServedWhileTheOldOneDrainsAndIsNotRemovedOnStop() throws Exception {
		PipeServer server = this.pipes.start();
		PipeTestClient old = this.pipes.writer();
		old.send("old 1");
		Path replacement = this.dir.resolve("replacement");
		TestPipes.mkfifo(replacement);
		long inode = TestPipes.inode(replacement);
		Files.move(replacement, this.pipes.in(), StandardCopyOption.ATOMIC_MOVE);
		await().atMost(NOTICED_WITHIN).until(() -> this.pipes.recorder.recreated.contains(this.pipes.in()));
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("new");
		}
		this.pipes.recorder.awaitStrings(2);
		old.send("old 2");
		assertThat(this.pipes.recorder.awaitStrings(3)).containsExactly("old 1", "new", "old 2");
		// The replaced pipe is still open here: by its client and by its retired reader.
		assertThat(OpenDescriptors.onDeleted(this.pipes.in())).isGreaterThanOrEqualTo(2);
		old.close();
		// Once its last client closed the replaced pipe, its reader ends.
		this.pipes.awaitRetiredReaderEnded();
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(TestPipes.isFifo(this.pipes.in())).isTrue();
		assertThat(TestPipes.inode(this.pipes.in())).isEqualTo(inode);
		assertThat(this.pipes.out()).doesNotExist();
	}

	@Test
	void aPipeSomeoneElsePutInPlaceOfOursIsLeftAsItIsByTheStop() throws Exception {
		PipeServer server = this.pipes.start();
		Path replacement = this.dir.resolve("replacement");
		TestPipes.mkfifo(replacement);
		Files.move(replacement, this.pipes.in(), StandardCopyOption.ATOMIC_MOVE);
		await().atMost(NOTICED_WITHIN).until(() -> this.pipes.recorder.recreated.contains(this.pipes.in()));
		// served, not made by the server
		assertThat(this.pipes.recorder.recreatedByServer).containsExactly(false);
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("served");
			this.pipes.recorder.awaitStrings(1);
			// The client holds the pipe open across the stop, so what it holds outlives
			// the server: the stop must not fill it to count it, as it does a pipe it
			// removes, or the filler would reach the pipe's next reader.
			server.stop(TestPipes.STOP_TIMEOUT);
			assertThat(TestPipes.isFifo(this.pipes.in())).isTrue();
			assertThat(PipeContents.unreadBytes(this.pipes.in())).isZero();
		}
		assertThat(server.getStatistics().getDroppedTotal()).isZero();
	}

	@Test
	void aPipeTheStopRemovesButThatHasAnotherNameIsNotFilledByIt() throws Exception {
		PipeServer server = this.pipes.start();
		// Stands for a removal that fails: the pipe stays reachable after the stop.
		Path otherName = this.dir.resolve("other-name");
		Files.createLink(otherName, this.pipes.in());
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("served");
			this.pipes.recorder.awaitStrings(1);
			server.stop(TestPipes.STOP_TIMEOUT);
			assertThat(this.pipes.in()).doesNotExist();
			assertThat(PipeContents.unreadBytes(otherName)).isZero();
		}
		assertThat(server.getStatistics().getDroppedTotal()).isZero();
	}

	@Test
	void unmanagedPipeDeletedFailsUntilItIsBackAndIsNeverRemoved() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		TestPipes.mkfifo(this.pipes.out());
		PipeServer server = this.pipes.start(this.pipes.settings().managePipes(false).build());
		Files.delete(this.pipes.in());
		await().atMost(NOTICED_WITHIN).until(() -> server.getState() == PipeServerState.FAILED);
		assertThat(server.getLastFailure()).isInstanceOf(PipeFileException.class)
			.hasMessageContaining(this.pipes.in().toString());
		assertThat(this.pipes.in()).doesNotExist();
		TestPipes.mkfifo(this.pipes.in());
		long inode = TestPipes.inode(this.pipes.in());
		await().atMost(NOTICED_WITHIN).until(() -> server.getState() == PipeServerState.RUNNING);
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("back");
		}
		assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("back");
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(TestPipes.isFifo(this.pipes.in())).isTrue();
		assertThat(TestPipes.inode(this.pipes.in())).isEqualTo(inode);
		assertThat(TestPipes.isFifo(this.pipes.out())).isTrue();
	}

	@Test
	void unmanagedPipesInADirectoryAnotherUserPutInPlaceOfOursAreNotServed() throws Exception {
		// A sticky directory such as /tmp, reachable by others.
		Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwx--x--x"));
		Path shared = Files.createDirectory(this.dir.resolve("shared"));
		TestProcesses.run("chmod", "1777", shared.toString());
		Path pipes = Files.createDirectory(shared.resolve("pipes"));
		Path in = pipes.resolve("test.in");
		Path out = pipes.resolve("test.out");
		TestPipes.mkfifo(in);
		TestPipes.mkfifo(out);
		PipeServer server = this.pipes.start(TestPipes.settings("test", in, out).managePipes(false).build());
		try (TestUser intruder = TestUser.create()) {
			// The directory is deleted (a clean-up of /tmp, say) and another user's takes
			// its place, with FIFOs anyone may use and a request waiting in one.
			TestProcesses.run("rm", "-r", pipes.toString());
			Process planted = intruder.start(TestUser.PYTHON, "-c", """
					import os, signal, sys
					staging = os.path.join(sys.argv[1], "staging")
					os.mkdir(staging)
					os.chmod(staging, 0o777)
					for name in ("test.in", "test.out"):
					    os.mkfifo(os.path.join(staging, name))
					    os.chmod(os.path.join(staging, name), 0o666)
					held = os.open(os.path.join(staging, "test.in"), os.O_RDWR)
					os.write(held, b"forged\\n")
					os.rename(staging, sys.argv[2])
					print("planted", flush=True)
					signal.pause()
					""", shared.toString(), pipes.toString());
			assertThat(planted.inputReader().readLine()).isEqualTo("planted");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> server.getLastFailure() instanceof UnsafeDirectoryException);
			assertThat(server.getLastFailure()).hasMessageContaining("belongs to user id " + intruder.uid);
			assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
			assertThat(this.pipes.recorder.strings()).isEmpty();
		}
	}

	@Test
	void anUnmanagedPipeAnotherUserPutsBackInAStickyDirectoryIsNotServed() throws Exception {
		Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwx--x--x"));
		Path shared = Files.createDirectory(this.dir.resolve("shared"));
		TestProcesses.run("chmod", "1777", shared.toString());
		Path in = shared.resolve("test.in");
		Path out = shared.resolve("test.out");
		TestPipes.mkfifo(in);
		TestPipes.mkfifo(out);
		PipeServer server = this.pipes.start(TestPipes.settings("test", in, out).managePipes(false).build());
		try (TestUser intruder = TestUser.create()) {
			// The out pipe is deleted (a clean-up of /tmp, say) and another user's FIFO,
			// which they read, is put in its place before the owner's comes back.
			Files.delete(out);
			intruder.python("import os, sys; os.mkfifo(sys.argv[1]); os.chmod(sys.argv[1], 0o666)", out.toString());
			await().atMost(Duration.ofSeconds(10))
				.until(() -> server.getLastFailure() instanceof PipeFileException failure
						&& failure.getMessage().contains("belongs to user id " + intruder.uid));
			assertThat(server.getLastFailure()).hasMessageContaining("can be written by every user");
			assertThat(server.getState()).isEqualTo(PipeServerState.FAILED);
			assertThat(TestPipes.isFifo(out)).isTrue(); // left alone
		}
	}

	@Test
	void pipeReplacedByARegularFileFailsTouchingNothingAndRecovers() throws Exception {
		PipeServer server = this.pipes.start();
		// Swapped in one rename: deleting first could let the server re-create the FIFO
		// in between.
		Path file = Files.writeString(this.dir.resolve("file"), "someone else's file\n");
		Files.move(file, this.pipes.in(), StandardCopyOption.ATOMIC_MOVE);
		await().atMost(NOTICED_WITHIN).until(() -> server.getState() == PipeServerState.FAILED);
		assertThat(server.getLastFailure()).hasMessageContaining(this.pipes.in().toString())
			.hasMessageContaining("a regular file");
		assertThat(this.pipes.recorder.transitions).contains("RUNNING->FAILED");
		assertThat(Files.readString(this.pipes.in())).isEqualTo("someone else's file\n");
		Files.delete(this.pipes.in());
		await().atMost(NOTICED_WITHIN).until(() -> server.getState() == PipeServerState.RUNNING);
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("recovered");
		}
		assertThat(this.pipes.recorder.awaitStrings(1)).containsExactly("recovered");
	}

}
