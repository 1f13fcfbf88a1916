package io.pipeio.server;

import java.nio.file.Files;
import java.nio.file.Path;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * One server per pipe path inside one JVM, where every channel shares the directory lock:
 * a second server on a path that a running server serves (say, a second application
 * context with the same directory and channel) fails to start, naming the path and the
 * channel, and touches nothing.
 */
class PipeServerPathClaimTests extends PipeServerTestSupport {

	@Test
	void secondServerOnTheSamePathsFailsAndTheFirstKeepsServing() throws Exception {
		PipeServer first = this.pipes.startEcho(this.pipes.settings().build());
		long in = TestPipes.inode(this.pipes.in());
		long out = TestPipes.inode(this.pipes.out());
		PipeServer second = this.pipes.server(this.pipes.settings().build());
		assertThatExceptionOfType(PipeInUseException.class).isThrownBy(second::start)
			.withMessageContaining(this.pipes.in().toString())
			.withMessageContaining("channel 'test' of another server in this JVM already serves it")
			.satisfies((ex) -> assertThat(ex.getPath()).isEqualTo(this.pipes.in()));
		assertThat(second.getState()).isEqualTo(PipeServerState.FAILED);
		assertThat(TestPipes.inode(this.pipes.in())).isEqualTo(in);
		assertThat(TestPipes.inode(this.pipes.out())).isEqualTo(out);
		try (PipeTestClient client = this.pipes.client()) {
			assertThat(client.request("first")).isEqualTo("first");
		}
		first.stop(TestPipes.STOP_TIMEOUT);
		second.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("second");
		}
		assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("first", "second");
	}

	@Test
	void onePipeInCommonIsEnough() throws Exception {
		this.pipes.start();
		PipeServer other = this.pipes
			.server(TestPipes.settings("other", this.dir.resolve("other.in"), this.pipes.out()).build());
		assertThatExceptionOfType(PipeInUseException.class).isThrownBy(other::start)
			.withMessageContaining(this.pipes.out().toString())
			.withMessageContaining("channel 'test'");
		assertThat(this.dir.resolve("other.in")).doesNotExist();
	}

	@Test
	void aDirectoryReachedThroughASymbolicLinkIsTheSameDirectory() throws Exception {
		this.pipes.start();
		Path alias = Files.createSymbolicLink(this.dir.resolve("alias"), this.dir);
		PipeServer other = this.pipes
			.server(TestPipes.settings("test", alias.resolve("test.in"), alias.resolve("test.out")).build());
		assertThatExceptionOfType(PipeInUseException.class).isThrownBy(other::start)
			.withMessageContaining(this.pipes.in().toString());
	}

	@Test
	void aFailedStartLeavesNoClaimNorLockBehind() throws Exception {
		Files.writeString(this.pipes.out(), "precious\n");
		PipeServer server = this.pipes.server(this.pipes.settings().build());
		assertThatExceptionOfType(PipeFileException.class).isThrownBy(server::start)
			.withMessageContaining("a regular file");
		assertThat(this.dir.resolve(LockFile.NAME)).doesNotExist();
		assertThat(DirectoryLocks.isHeld(this.dir.toRealPath())).isFalse();
		Files.delete(this.pipes.out());
		PipeServer again = this.pipes.start();
		assertThat(again.getState()).isEqualTo(PipeServerState.RUNNING);
	}

	@Test
	void channelsInOneDirectoryRunSideBySide() throws Exception {
		PipeServer a = this.pipes.start();
		PipeServer b = this.pipes
			.start(TestPipes.settings("b", this.dir.resolve("b.in"), this.dir.resolve("b.out")).build());
		assertThat(a.getState()).isEqualTo(PipeServerState.RUNNING);
		assertThat(b.getState()).isEqualTo(PipeServerState.RUNNING);
		a.stop(TestPipes.STOP_TIMEOUT);
		assertThat(DirectoryLocks.isHeld(this.dir.toRealPath())).isTrue();
		b.stop(TestPipes.STOP_TIMEOUT);
		assertThat(DirectoryLocks.isHeld(this.dir.toRealPath())).isFalse();
		assertThat(this.dir).isEmptyDirectory();
	}

	@Test
	void stoppingOneServerReleasesOnlyItsOwnClaims() throws Exception {
		PipeServer a = this.pipes.start();
		PipeServerSettings bSettings = TestPipes.settings("b", this.dir.resolve("b.in"), this.dir.resolve("b.out"))
			.build();
		this.pipes.start(bSettings);
		a.stop(TestPipes.STOP_TIMEOUT);
		PipeServer otherOnB = this.pipes.server(bSettings);
		assertThatExceptionOfType(PipeInUseException.class).isThrownBy(otherOnB::start)
			.withMessageContaining("channel 'b'");
		PipeServer againOnA = this.pipes.start();
		assertThat(againOnA.getState()).isEqualTo(PipeServerState.RUNNING);
	}

}
