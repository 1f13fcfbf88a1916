package io.pipeio.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * The event loop's reads and writes through JNA's direct mapping, on a real FIFO: bound
 * wherever {@code long} is 64 bits, "nothing yet" and "full" as -1 without an exception;
 * and through {@link Posix}, whichever hot-path calls it makes, any other error as one
 * naming the call and errno.
 */
class DirectCallsTests {

	@TempDir
	Path directory;

	@Test
	void theDirectCallsAreBoundOnA64BitPlatform() {
		assertThat(Native.LONG_SIZE).isEqualTo(8);
		assertThat(DirectCalls.AVAILABLE).isTrue();
	}

	@Test
	void readAndWriteANonBlockingFifo() throws IOException {
		// Directly, not through HotPathCalls: on a JDK 22+ that takes the foreign calls.
		HotPathCalls direct = DirectCalls.calls();
		String fifo = this.directory.resolve("direct").toString();
		Posix.mkfifo(fifo, 0600);
		int reader = Posix.open(fifo, Posix.O_RDONLY | Posix.O_NONBLOCK);
		int writer = Posix.open(fifo, Posix.O_WRONLY | Posix.O_NONBLOCK);
		try (Memory buffer = new Memory(70_000)) {
			long address = Pointer.nativeValue(buffer);
			assertThat(direct.read(reader, address, 100)).isEqualTo(-1);
			assertThat(direct.lastError()).isEqualTo(11); // EAGAIN
			buffer.write(0, "hello\n".getBytes(StandardCharsets.US_ASCII), 0, 6);
			assertThat(direct.write(writer, address, 6)).isEqualTo(6);
			assertThat(direct.read(reader, address, 100)).isEqualTo(6);
			assertThat(buffer.getString(0, "US-ASCII")).startsWith("hello\n");
			// fill the pipe: a full pipe takes part of a write, then nothing
			long written;
			long total = 0;
			while ((written = direct.write(writer, address, 70_000)) > 0) {
				total += written;
			}
			assertThat(written).isEqualTo(-1);
			assertThat(total).isPositive();
		}
		finally {
			Posix.close(writer);
			Posix.close(reader);
		}
	}

	@Test
	void anErrorOtherThanNothingYetNamesTheCallAndErrno() {
		try (Memory buffer = new Memory(16)) {
			assertThatIOException().isThrownBy(() -> Posix.readNow(-1, buffer, 16))
				.withMessage("read failed with errno 9 (Bad file descriptor)");
			assertThatIOException().isThrownBy(() -> Posix.writeNow(-1, buffer, 16))
				.withMessage("write failed with errno 9 (Bad file descriptor)");
		}
	}

}
