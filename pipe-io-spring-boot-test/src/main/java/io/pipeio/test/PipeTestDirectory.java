package io.pipeio.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.util.Assert;

/**
 * A private, temporary pipe directory for one test (or one test application context),
 * removed with everything in it when closed.
 * <p>
 * It passes pipe-io's directory checks: created under the system's temporary directory
 * with permissions {@code rwx------} (set explicitly, whatever the umask), and named by
 * its real path, so no symbolic link that another user could change lies on the way to
 * it.
 *
 * @see PipeIoTest
 */
public final class PipeTestDirectory implements AutoCloseable {

	/**
	 * The property that tells pipe-io where to put the pipes of channels without a path
	 * of their own.
	 */
	public static final String PROPERTY = "pipe-io.directory";

	private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

	private final Path path;

	private final AtomicBoolean closed = new AtomicBoolean();

	private PipeTestDirectory(Path path) {
		this.path = path;
	}

	/**
	 * Create a new private directory under the system's temporary directory.
	 * @return the directory
	 */
	public static PipeTestDirectory create() {
		try {
			Path created = Files.createTempDirectory("pipe-io-test-", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
			// The umask may have taken bits away at creation; setting them afterwards is
			// exact.
			Files.setPosixFilePermissions(created, OWNER_ONLY);
			return new PipeTestDirectory(created.toRealPath());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a temporary pipe directory", ex);
		}
	}

	/**
	 * Return the directory's path.
	 * @return the absolute, real path
	 */
	public Path path() {
		return this.path;
	}

	/**
	 * Return the property that points pipe-io at this directory, as
	 * {@code ApplicationContextRunner.withPropertyValues} and {@code TestPropertyValues}
	 * take it.
	 * @return {@code pipe-io.directory=<path>}
	 */
	public String property() {
		return PROPERTY + "=" + this.path;
	}

	/**
	 * Connect a client to a channel whose pipes are in this directory, named
	 * {@code <channel>.in} and {@code <channel>.out} (the default names): for pipes
	 * configured elsewhere, use {@link PipeTestClient#connect(Path, Path)}.
	 * @param channel the channel name
	 * @return the connected client, to be closed by the caller
	 * @see PipeTestClient#connect(Path, String)
	 */
	public PipeTestClient connect(String channel) {
		Assert.hasText(channel, "'channel' must not be empty");
		return PipeTestClient.connect(this.path, channel);
	}

	/**
	 * Connect to a channel in this directory (pipes named as for {@link #connect}), send
	 * one line and return the first reply line.
	 * @param channel the channel name
	 * @param line the request, UTF-8
	 * @return the reply, UTF-8
	 */
	public String request(String channel, String line) {
		return PipeTestClient.request(this.path, channel, line);
	}

	/**
	 * Remove the directory and everything in it; symbolic links inside are removed, never
	 * followed. Closing twice does nothing.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		try {
			Files.walkFileTree(this.path, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
					Files.deleteIfExists(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
					Files.deleteIfExists(directory);
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (NoSuchFileException ex) {
			// Removed already, by the test itself.
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot remove the temporary pipe directory " + this.path, ex);
		}
	}

	@Override
	public String toString() {
		return this.path.toString();
	}

}
