package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InPipeSeal} on a real FIFO: it counts the lines a pipe holds, a last one without
 * its newline too, and leaves the pipe with no room for a client's next line.
 */
class InPipeSealTests {

	@TempDir
	Path dir;

	private FifoDescriptor fifo;

	private int reader;

	private int client;

	@BeforeEach
	void openFifo() throws Exception {
		Path path = this.dir.resolve("test.in");
		TestPipes.mkfifo(path);
		this.fifo = FifoDescriptor.open(path);
		this.reader = this.fifo.openNonBlockingReader();
		this.client = Posix.open(path.toString(), Posix.O_WRONLY | Posix.O_NONBLOCK);
	}

	@AfterEach
	void closeFifo() {
		Posix.close(this.client);
		Posix.close(this.reader);
		this.fifo.close();
	}

	@Test
	void anEmptyPipeHoldsNoLineAndTakesNoMore() throws Exception {
		assertThat(InPipeSeal.count(this.fifo, this.reader, false, new byte[64])).isZero();
		assertThat(clientWrites("late\n")).isFalse();
	}

	@Test
	void eachNewlineEndsALineAndALastLineWithoutOneCountsToo() throws Exception {
		assertThat(clientWrites("one\ntwo\nthree")).isTrue();
		assertThat(InPipeSeal.count(this.fifo, this.reader, false, new byte[64])).isEqualTo(3);
		assertThat(clientWrites("late\n")).isFalse();
	}

	@Test
	void theRestOfALineCountedAlreadyIsNotCountedAgain() throws Exception {
		assertThat(clientWrites("rest\nnext\n")).isTrue();
		assertThat(InPipeSeal.count(this.fifo, this.reader, true, new byte[64])).isEqualTo(1);
	}

	@Test
	void linesOverManyPagesAreAllCountedAndThePipeIsFull() throws Exception {
		String line = "x".repeat(999) + "\n";
		for (int i = 0; i < 40; i++) {
			assertThat(clientWrites(line)).isTrue();
		}
		assertThat(InPipeSeal.count(this.fifo, this.reader, false, new byte[100])).isEqualTo(40);
		assertThat(clientWrites("y\n")).isFalse();
	}

	/** A client's non-blocking write: whether the pipe took it. */
	private boolean clientWrites(String text) throws IOException {
		return TestPipes.writeNow(this.client, text) == text.length();
	}

}
