package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Path;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * A FIFO made while the process has no descriptor left to open it (a pipe re-created by
 * the watchdog, a start): it is removed again, rather than left behind to be taken by the
 * next attempt for one the server did not create, served and never removed.
 */
class PipeFilesOutOfDescriptorsTests {

	/** {@code RLIMIT_NOFILE} on Linux. */
	private static final int RLIMIT_NOFILE = 7;

	@TempDir
	Path dir;

	@Test
	void fifoThatCannotBeOpenedIsNotLeftBehind() throws Exception {
		PipeServerSettings settings = TestPipes
			.settings("chan", this.dir.resolve("chan.in"), this.dir.resolve("chan.out"))
			.build();
		// Once with descriptors to spare, so that every class it needs is loaded (loading
		// one from a directory takes a descriptor).
		Path first = this.dir.resolve("first.in");
		PipeFiles.create(first, PipeFile.inspect(first), settings).close();
		Path fifo = this.dir.resolve("chan.in");
		PipeFile missing = PipeFile.inspect(fifo);
		assertThatIOException()
			.isThrownBy(() -> withoutFreeDescriptors(() -> PipeFiles.create(fifo, missing, settings)))
			.withMessageContaining("errno 24");
		assertThat(fifo).doesNotExist();
	}

	/**
	 * Run a call while no descriptor is free below the soft limit: opens fail (EMFILE).
	 */
	private static void withoutFreeDescriptors(IoCall call) throws IOException {
		long[] limit = new long[2];
		assertThat(LimitLibC.INSTANCE.getrlimit(RLIMIT_NOFILE, limit)).isZero();
		long soft = limit[0];
		int lowestFree = Posix.open("/dev/null", Posix.O_RDONLY);
		Posix.close(lowestFree);
		assertThat(LimitLibC.INSTANCE.setrlimit(RLIMIT_NOFILE, new long[] { lowestFree, limit[1] })).isZero();
		try {
			call.run();
		}
		finally {
			limit[0] = soft;
			LimitLibC.INSTANCE.setrlimit(RLIMIT_NOFILE, limit);
		}
	}

	interface IoCall {

		void run() throws IOException;

	}

	/** The JDK cannot set resource limits. */
	interface LimitLibC extends Library {

		LimitLibC INSTANCE = Native.load("c", LimitLibC.class);

		int getrlimit(int resource, long[] limit);

		int setrlimit(int resource, long[] limit);

	}

}
