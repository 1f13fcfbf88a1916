package io.pipeio.autoconfigure;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import io.pipeio.core.PipeChannelStartException;
import io.pipeio.server.PipeFileException;
import io.pipeio.server.PipeInUseException;
import io.pipeio.server.PipeServerSettings;
import io.pipeio.server.UnsafeDirectoryException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup failure caused by a pipe path that cannot be used (something else is
 * there, or another server, another process or another application context in this JVM,
 * serves it), or by a directory of a channel's files that another user could change.
 *
 * @author pipe-io
 */
class PipeFileFailureAnalyzer extends AbstractFailureAnalyzer<PipeFileException> {

	/**
	 * Two application contexts of one JVM on the same pipes are most often tests: the
	 * context cache keeps a context per configuration, side by side.
	 */
	private static final String IN_TESTS = " In tests, where cached application contexts run side by side, annotate"
			+ " the test classes with @PipeIoTest (pipe-io-spring-boot-test) to give each context a pipe directory"
			+ " of its own.";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PipeFileException cause) {
		PipeChannelStartException start = findCause(rootFailure, PipeChannelStartException.class);
		String channel = "pipe-io.channels." + ((start != null) ? start.getChannel() : "<name>");
		if (cause instanceof UnsafeDirectoryException unsafe) {
			return new FailureAnalysis(
					unsafe.getProblem(), "Fix the directory (" + unsafe.getFix() + "), or "
							+ movedBy(channel, start, unsafe) + " a directory that only this user can write to.",
					cause);
		}
		// The lock file is the directory's, for every channel in it: no pipe path of one
		// channel moves it.
		boolean lockFile = PipeServerSettings.isLockFile(cause.getPath());
		if (cause instanceof PipeInUseException inUse) {
			return new FailureAnalysis(cause.getMessage(), lockFile
					? "Stop the process that holds the lock file, or give this application its own pipe-io.directory"
							+ " (or put its channels' in-pipe and out-pipe in a directory of their own)."
					: "Stop the server that uses these pipes, or give this application its own pipe-io.directory"
							+ " (or its own " + channel + ".in-pipe / out-pipe)."
							+ (inUse.isServedInThisJvm() ? IN_TESTS : ""),
					cause);
		}
		if (lockFile) {
			return new FailureAnalysis(cause.getMessage(), "Remove what is at " + cause.getPath()
					+ " if no pipe-io server runs there (pipe-io never deletes a file it did not create), or set"
					+ " pipe-io.directory to another directory: that lock file serves every channel in it.", cause);
		}
		if (Files.notExists(cause.getPath(), LinkOption.NOFOLLOW_LINKS)) {
			// Nothing there to remove: an unmanaged pipe that nobody created.
			return new FailureAnalysis(cause.getMessage(),
					"Create the FIFO (mkfifo -m 600 " + cause.getPath()
							+ "), or let pipe-io create it: set pipe-io.channel-defaults.manage-pipes (or" + " "
							+ channel + ".manage-pipes) to true.",
					cause);
		}
		return new FailureAnalysis(cause.getMessage(),
				"Remove or rename what is at " + cause.getPath() + " (pipe-io never deletes a file it did not"
						+ " create), or point " + pipeProperty(channel, start, cause) + " elsewhere.",
				cause);
	}

	/**
	 * Name the setting that moves the files out of an unsafe directory: a pipe given as a
	 * path of its own is moved by its property, not by {@code pipe-io.directory}, and a
	 * directory that holds neither pipe is the dead-letter file's (the only other file a
	 * channel keeps).
	 */
	private static String movedBy(String channel, @Nullable PipeChannelStartException start,
			UnsafeDirectoryException unsafe) {
		if (start == null) {
			return "set pipe-io.directory (or a channel's in-pipe, out-pipe or dead-letter.file) to";
		}
		Path directory = unsafe.getPath();
		boolean in = directory.equals(start.getInPipe().getParent());
		boolean out = directory.equals(start.getOutPipe().getParent());
		if (!in && !out) {
			return "point " + channel + ".dead-letter.file at";
		}
		// Which of pipe-io.directory and the pipe's own path put it there is not known
		// here.
		String pipes = (in && out) ? channel + ".in-pipe / out-pipe" : channel + (in ? ".in-pipe" : ".out-pipe");
		return "set pipe-io.directory (or " + pipes + ", where given as a path of its own) to";
	}

	/**
	 * Name the property of the pipe at fault, where the channel's start says which one it
	 * is.
	 */
	private static String pipeProperty(String channel, @Nullable PipeChannelStartException start,
			PipeFileException cause) {
		if (start != null && cause.getPath().equals(start.getInPipe())) {
			return channel + ".in-pipe";
		}
		if (start != null && cause.getPath().equals(start.getOutPipe())) {
			return channel + ".out-pipe";
		}
		return "the channel's " + channel + ".in-pipe / out-pipe";
	}

}
