package io.pipeio.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event loop's hot-path calls: through the foreign function API on a JDK 22 or later
 * (the build on such a JDK compiles them), through JNA's direct mapping on an older one;
 * on a real FIFO, "nothing yet" and "full" are -1 with {@code EAGAIN} left for
 * {@code lastError()}, other failures leave their errno, and epoll reports what the pipe
 * holds.
 */
class HotPathCallsTests {

	private static final int EAGAIN = 11;

	private static final int EBADF = 9;

	@TempDir
	Path directory;

	@Test
	void theForeignFunctionApiMakesTheCallsExactlyOnAJdkThatHasIt() {
		HotPathCalls calls = HotPathCalls.INSTANCE;
		assertThat(calls).isNotNull();
		assertThat(calls.getClass().getSimpleName())
			.isEqualTo((Runtime.version().feature() >= 22) ? "ForeignCalls" : "Bound");
	}

	@Test
	void readWriteAndWaitOnANonBlockingFifo() throws IOException {
		HotPathCalls calls = calls();
		String fifo = this.directory.resolve("hot-path").toString();
		Posix.mkfifo(fifo, 0600);
		int reader = Posix.open(fifo, Posix.O_RDONLY | Posix.O_NONBLOCK);
		int writer = Posix.open(fifo, Posix.O_WRONLY | Posix.O_NONBLOCK);
		int epfd = Epoll.create();
		try (Memory buffer = new Memory(70_000); Memory events = Epoll.newEvents(4)) {
			long address = Pointer.nativeValue(buffer);
			assertThat(calls.read(reader, address, 100)).isEqualTo(-1);
			assertThat(calls.lastError()).isEqualTo(EAGAIN);
			Epoll.add(epfd, reader, Epoll.EPOLLIN | Epoll.EPOLLONESHOT, 42);
			buffer.write(0, "hello\n".getBytes(StandardCharsets.US_ASCII), 0, 6);
			assertThat(calls.write(writer, address, 6)).isEqualTo(6);
			assertThat(Epoll.await(epfd, events, 4)).isEqualTo(1);
			assertThat(Epoll.token(events, 0)).isEqualTo(42);
			assertThat(Epoll.events(events, 0) & Epoll.EPOLLIN).isNotZero();
			buffer.clear(100);
			assertThat(calls.read(reader, address, 100)).isEqualTo(6);
			assertThat(buffer.getString(0, "US-ASCII")).isEqualTo("hello\n");
			long total = 0;
			long written;
			while ((written = calls.write(writer, address, 70_000)) > 0) {
				total += written;
			}
			assertThat(written).isEqualTo(-1);
			assertThat(calls.lastError()).isEqualTo(EAGAIN);
			assertThat(total).isPositive();
		}
		finally {
			Posix.close(epfd);
			Posix.close(writer);
			Posix.close(reader);
		}
	}

	@Test
	void aFailureLeavesItsErrnoForTheCallingThread() {
		HotPathCalls calls = calls();
		try (Memory buffer = new Memory(16)) {
			assertThat(calls.read(-1, Pointer.nativeValue(buffer), 16)).isEqualTo(-1);
			assertThat(calls.lastError()).isEqualTo(EBADF);
			assertThat(calls.epollCtl(-1, 1, -1, Pointer.nativeValue(buffer))).isEqualTo(-1);
			assertThat(calls.lastError()).isEqualTo(EBADF);
		}
	}

	private static HotPathCalls calls() {
		HotPathCalls calls = HotPathCalls.INSTANCE;
		assertThat(calls).isNotNull();
		return calls;
	}

}
