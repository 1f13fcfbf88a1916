package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import org.jspecify.annotations.Nullable;

/**
 * Creates FIFOs. The JDK cannot, so this calls {@code mkfifo(3)} through JNA (no extra process,
 * works in images without coreutils) and falls back to the {@code mkfifo} tool where JNA cannot
 * load its native part. Permissions are set afterwards so they are exact whatever the umask.
 *
 * @author pipe-io
 */
final class FifoFactory {

	private static final @Nullable LibC LIBC = loadLibC();

	private FifoFactory() {
	}

	/**
	 * Create a FIFO at a path where nothing exists.
	 * @param path the path
	 * @param permissions the exact permissions to give it
	 * @throws IOException if it cannot be created
	 */
	static void create(Path path, Set<PosixFilePermission> permissions) throws IOException {
		if (LIBC != null) {
			try {
				LIBC.mkfifo(path.toString(), 0600);
			}
			catch (LastErrorException ex) {
				throw new IOException("mkfifo(" + path + ") failed with errno " + ex.getErrorCode(), ex);
			}
		}
		else {
			createWithTool(path);
		}
		Files.setPosixFilePermissions(path, permissions);
	}

	private static void createWithTool(Path path) throws IOException {
		Process process = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).redirectErrorStream(true)
			.start();
		try {
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IOException("mkfifo " + path + " did not finish within 10 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while creating FIFO " + path, ex);
		}
		if (process.exitValue() != 0) {
			String output = new String(process.getInputStream().readAllBytes()).trim();
			throw new IOException("mkfifo " + path + " failed: " + output);
		}
	}

	private static @Nullable LibC loadLibC() {
		try {
			return Native.load("c", LibC.class);
		}
		catch (Throwable ex) {
			// No JNA native stub for this platform: the mkfifo tool is the fallback.
			return null;
		}
	}

	/**
	 * The part of the C library this class calls.
	 */
	interface LibC extends Library {

		int mkfifo(String path, int mode) throws LastErrorException;

	}

}
