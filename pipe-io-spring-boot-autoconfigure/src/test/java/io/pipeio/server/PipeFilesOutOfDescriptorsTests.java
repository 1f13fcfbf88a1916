package io.pipeio.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A FIFO made while the process has no descriptor left to open it (a pipe re-created by
 * the watchdog, a start): it is removed again, rather than left behind to be taken by the
 * next attempt for one the server did not create, served and never removed.
 * <p>
 * Run in a JVM of its own ({@link #main}): the descriptor limit is the process's, and
 * lowering it here would fail whatever else the test JVM opens meanwhile.
 */
class PipeFilesOutOfDescriptorsTests {

	/** {@code RLIMIT_NOFILE} on Linux. */
	private static final int RLIMIT_NOFILE = 7;

	private static final int MAX_ATTEMPTS = 20;

	@TempDir
	Path dir;

	@Test
	void fifoThatCannotBeOpenedIsNotLeftBehind() throws Exception {
		Path fifo = this.dir.resolve("chan.in");
		String java = ProcessHandle.current().info().command().orElseThrow();
		Process jvm = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), PipeFilesOutOfDescriptorsTests.class.getName(), fifo.toString())
			.redirectErrorStream(true)
			.start();
		String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(jvm.waitFor()).as(output).isZero();
		assertThat(output).contains("refused: ").contains("errno 24");
		assertThat(fifo).doesNotExist();
	}

	/**
	 * Create the FIFO at the path given while no descriptor is free below the soft limit
	 * (opens fail with EMFILE); print why it was refused.
	 * @param args the FIFO's path
	 * @throws IOException if the first creation, with descriptors to spare, fails
	 */
	public static void main(String[] args) throws IOException {
		Path fifo = Path.of(args[0]);
		PipeServerSettings settings = TestPipes.settings("chan", fifo, fifo.resolveSibling("chan.out")).build();
		// Once with descriptors to spare, so that every class it needs is loaded (loading
		// one from a directory takes a descriptor).
		Path first = fifo.resolveSibling("first.in");
		PipeFiles.create(first, PipeFile.inspect(first), settings).close();
		Files.delete(first);
		long[] limit = new long[2];
		check(LimitLibC.INSTANCE.getrlimit(RLIMIT_NOFILE, limit) == 0, "getrlimit");
		long soft = limit[0];
		String outcome = "created";
		// Another thread of this JVM may close a descriptor between the look for the
		// lowest free one and the FIFO's open, which then takes it: try again.
		for (int attempt = 0; attempt < MAX_ATTEMPTS && outcome.equals("created"); attempt++) {
			Files.deleteIfExists(fifo);
			PipeFile missing = PipeFile.inspect(fifo);
			int lowestFree = Posix.open("/dev/null", Posix.O_RDONLY);
			Posix.close(lowestFree);
			check(LimitLibC.INSTANCE.setrlimit(RLIMIT_NOFILE, new long[] { lowestFree, limit[1] }) == 0, "setrlimit");
			try {
				PipeFiles.create(fifo, missing, settings).close();
			}
			catch (IOException ex) {
				outcome = "refused: " + ex.getMessage();
			}
			finally {
				limit[0] = soft;
				LimitLibC.INSTANCE.setrlimit(RLIMIT_NOFILE, limit);
			}
		}
		System.out.println(outcome);
	}

	private static void check(boolean done, String call) {
		if (!done) {
			throw new IllegalStateException(call + " failed");
		}
	}

	/** The JDK cannot set resource limits. */
	interface LimitLibC extends Library {

		LimitLibC INSTANCE = Native.load("c", LimitLibC.class);

		int getrlimit(int resource, long[] limit);

		int setrlimit(int resource, long[] limit);

	}

}
