package io.pipeio.autoconfigure;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.pipeio.core.PipeChannelStartException;
import io.pipeio.server.PipeFileException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a channel that could not start because the operating system refused to create
 * its directory, lock file or FIFOs: permission denied, a read-only file system, a path
 * through something that is not a directory, or a parent that does not exist. The raw
 * error ({@code mkfifo(...) failed with errno 13},
 * {@code FileSystemException: ...: Read-only file system}) becomes a description naming
 * the channel and the directory, and an action naming {@code pipe-io.directory} and the
 * fix. Pipe paths that hold the wrong thing are explained by
 * {@link PipeFileFailureAnalyzer}.
 *
 * @author pipe-io
 */
class PipeDirectoryFailureAnalyzer extends AbstractFailureAnalyzer<PipeChannelStartException> {

	private static final Pattern ERRNO = Pattern.compile("^\\w+\\((.*)\\) failed with errno (\\d+)(?: \\([^()]*\\))?$");

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, PipeChannelStartException cause) {
		IOException error = Objects.requireNonNull(cause.getCause(), "An UncheckedIOException always has a cause");
		if (error instanceof PipeFileException) {
			return null;
		}
		Problem problem = Problem.of(error);
		if (problem == null) {
			return null;
		}
		Path path = pathOf(error);
		Path directory = directoryOf(cause, path);
		String description = "Channel '" + cause.getChannel() + "' cannot create its pipes in " + directory + ": "
				+ problem.description((path != null) ? path : directory) + " (" + error.getClass().getSimpleName()
				+ ": " + error.getMessage() + ").";
		String action = problem.action(directory) + " (Unless set, pipe-io.directory is a directory private to this"
				+ " user and application, under $XDG_RUNTIME_DIR or java.io.tmpdir; pipes given as absolute paths are"
				+ " set by pipe-io.channels." + cause.getChannel() + ".in-pipe and out-pipe.)";
		return new FailureAnalysis(description, action, cause);
	}

	private static @Nullable Path pathOf(IOException error) {
		if (error instanceof FileSystemException fileSystem && fileSystem.getFile() != null) {
			return Path.of(fileSystem.getFile());
		}
		Matcher errno = ERRNO.matcher(String.valueOf(error.getMessage()));
		return errno.matches() ? Path.of(errno.group(1)) : null;
	}

	/**
	 * Return the directory of the pipe the failed path belongs to: the path itself, one
	 * of its ancestors being created, or a file in it.
	 */
	private static Path directoryOf(PipeChannelStartException cause, @Nullable Path path) {
		Path in = Objects.requireNonNullElse(cause.getInPipe().getParent(), cause.getInPipe());
		Path out = Objects.requireNonNullElse(cause.getOutPipe().getParent(), cause.getOutPipe());
		boolean outOnly = path != null && (path.startsWith(out) || out.startsWith(path))
				&& !(path.startsWith(in) || in.startsWith(path));
		return outOnly ? out : in;
	}

	/**
	 * What the operating system refused, and how to fix it.
	 */
	private enum Problem {

		PERMISSION_DENIED {

			@Override
			String description(Path path) {
				return "this user (" + System.getProperty("user.name") + ") may not create " + path;
			}

			@Override
			String action(Path directory) {
				String user = System.getProperty("user.name");
				if (Files.notExists(directory, LinkOption.NOFOLLOW_LINKS)) {
					// nothing to chown yet: it is created for this user by one who may
					return "Create " + directory + " for this user (as root: mkdir -p -m 700 " + directory
							+ " && chown " + user + " " + directory + "), or set pipe-io.directory to a directory"
							+ " this user owns.";
				}
				return "Let this user write to " + directory + " (for example: chown " + user + " " + directory
						+ " && chmod 700 " + directory + "), or set pipe-io.directory to a directory this user owns.";
			}

		},

		READ_ONLY {

			@Override
			String description(Path path) {
				return path + " is on a read-only file system";
			}

			@Override
			String action(Path directory) {
				return "Set pipe-io.directory to a directory on a writable file system, such as one under /run or"
						+ " $XDG_RUNTIME_DIR (in a container: mount a writable volume or a tmpfs there).";
			}

		},

		NOT_A_DIRECTORY {

			@Override
			String description(Path path) {
				return "a part of " + path + " is not a directory";
			}

			@Override
			String action(Path directory) {
				return "Set pipe-io.directory to a directory, or remove or rename the file that stands in the way of "
						+ directory + ".";
			}

		},

		NO_SUCH_DIRECTORY {

			@Override
			String description(Path path) {
				return "a directory on the way to " + path + " does not exist and cannot be created";
			}

			@Override
			String action(Path directory) {
				return "Create " + directory + " (mkdir -p -m 700 " + directory + "), or set pipe-io.directory to a"
						+ " directory that exists or can be created.";
			}

		};

		abstract String description(Path path);

		abstract String action(Path directory);

		static @Nullable Problem of(IOException error) {
			if (error instanceof AccessDeniedException) {
				return PERMISSION_DENIED;
			}
			if (error instanceof NotDirectoryException) {
				return NOT_A_DIRECTORY;
			}
			if (error instanceof NoSuchFileException) {
				return NO_SUCH_DIRECTORY;
			}
			if (error instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
				return switch (fileSystem.getReason()) {
					case "Permission denied", "Operation not permitted" -> PERMISSION_DENIED;
					case "Read-only file system" -> READ_ONLY;
					case "Not a directory" -> NOT_A_DIRECTORY;
					case "No such file or directory" -> NO_SUCH_DIRECTORY;
					default -> null;
				};
			}
			Matcher errno = ERRNO.matcher(String.valueOf(error.getMessage()));
			if (!errno.matches()) {
				return null;
			}
			return switch (Integer.parseInt(errno.group(2))) {
				case 1, 13 -> PERMISSION_DENIED; // EPERM, EACCES
				case 30 -> READ_ONLY; // EROFS
				case 20 -> NOT_A_DIRECTORY; // ENOTDIR
				case 2 -> NO_SUCH_DIRECTORY; // ENOENT
				default -> null;
			};
		}

	}

}
