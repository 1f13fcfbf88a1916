package io.pipeio.autoconfigure;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;

import io.pipeio.core.DeadLetterFileException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup failure caused by a dead-letter file that cannot be written: what is
 * at its path, or why it cannot be created, and the property that moves it.
 *
 * @author pipe-io
 */
class DeadLetterFileFailureAnalyzer extends AbstractFailureAnalyzer<DeadLetterFileException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DeadLetterFileException cause) {
		String property = "pipe-io.channels." + cause.getChannel() + ".dead-letter.file";
		String description = "Channel '" + cause.getChannel() + "' cannot write dead letters to " + cause.getFile()
				+ ": " + cause.getProblem() + ".";
		String elsewhere = "set " + property + " (or pipe-io.channel-defaults.dead-letter.file, which every channel"
				+ " without a file of its own inherits)";
		if (Files.exists(cause.getFile(), LinkOption.NOFOLLOW_LINKS) && !isSystemRefusal(cause.getCause())) {
			// something pipe-io will not write to: never removed by it
			return new FailureAnalysis(description,
					"Remove or rename what is at " + cause.getFile() + " (pipe-io writes neither through a link nor to"
							+ " a file of another user or with another name, and never deletes what it did not create),"
							+ " or " + elsewhere + " to another file.",
					cause);
		}
		if (isSystemRefusal(cause.getCause())) {
			// out of descriptors, a full disk: nothing at the path is to blame
			return new FailureAnalysis(description,
					"Fix what the system refused (the error above says what), or " + elsewhere + " to another file.",
					cause);
		}
		return new FailureAnalysis(description,
				"Let this user (" + System.getProperty("user.name") + ") create the file and its directory, or "
						+ elsewhere + " to a file in a directory that exists" + " or that this user may create.",
				cause);
	}

	/**
	 * Tell a refusal of the system (a failed system call: out of descriptors, no space
	 * left) from what pipe-io refuses at the path (a link, another user's file), which
	 * come as {@link FileSystemException}s naming the file, and from the JDK's own ones.
	 */
	private static boolean isSystemRefusal(@Nullable Throwable error) {
		return error != null && error.getClass() == IOException.class
				&& String.valueOf(error.getMessage()).contains(" failed with errno ");
	}

}
