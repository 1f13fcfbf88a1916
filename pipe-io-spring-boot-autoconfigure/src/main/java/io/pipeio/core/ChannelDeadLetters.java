package io.pipeio.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;

import io.pipeio.deadletter.DeadLetter;
import io.pipeio.deadletter.DeadLetterFile;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeFileException;
import io.pipeio.server.PipeServerSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A channel's dead-letter file, as {@link LineFailures} uses it: opened at the start (a
 * file that cannot be written fails it, naming the property), written with every dropped
 * line, and a failed write counted and logged once per outage rather than thrown: the
 * line is counted as dropped already.
 *
 * @author pipe-io
 */
final class ChannelDeadLetters {

	private static final Log logger = LogFactory.getLog(PipeChannel.class);

	private final PipeChannel channel;

	private final @Nullable DeadLetterFile file;

	/** Whether the last write failed: logs each outage once. */
	private volatile boolean failing;

	/**
	 * Create the dead letters of a channel.
	 * @param channel the channel
	 * @param file its dead-letter file, or {@code null} if it has none
	 */
	ChannelDeadLetters(PipeChannel channel, @Nullable DeadLetterFile file) {
		this.channel = channel;
		this.file = file;
	}

	/**
	 * @return whether dropped lines are written anywhere
	 */
	boolean isEnabled() {
		return this.file != null;
	}

	/**
	 * Open the file, if there is one.
	 * @throws DeadLetterFileException naming the file, what is wrong and the property, if
	 * it cannot be opened
	 * @throws PipeChannelStartException if its directory is not safe
	 */
	void open() {
		DeadLetterFile file = this.file;
		if (file == null) {
			return;
		}
		try {
			file.open();
		}
		catch (PipeFileException ex) {
			// an unsafe directory: its failure analysis tells the dead-letter file's
			// directory from the pipes' by the paths, and names the property
			PipeServerSettings server = this.channel.getSettings().server();
			throw new PipeChannelStartException(this.channel.getName(), server.getInPath(), server.getOutPath(), ex);
		}
		catch (IOException ex) {
			throw new DeadLetterFileException(this.channel.getName(), file.getPath(), describe(ex), ex);
		}
	}

	/**
	 * Say what went wrong with a file: the JDK's messages of the common cases are the
	 * file's name alone.
	 */
	private static String describe(IOException ex) {
		if (ex instanceof NoSuchFileException missing) {
			return missing.getFile() + " does not exist";
		}
		if (ex instanceof AccessDeniedException denied) {
			return "permission denied on " + denied.getFile();
		}
		if (ex instanceof FileSystemException failed && failed.getReason() != null) {
			return failed.getReason() + " (" + failed.getFile() + ")";
		}
		return String.valueOf(ex.getMessage());
	}

	/**
	 * Write a dropped line, counted already, if there is a file.
	 * @param reason why it was dropped
	 * @param line the line, or {@code null} if the channel never held it
	 * @param size its size in bytes
	 * @param attempts how many times the listener was called with it
	 * @param cause why, or {@code null}
	 */
	void write(DropReason reason, byte @Nullable [] line, long size, int attempts, @Nullable Throwable cause) {
		DeadLetterFile file = this.file;
		if (file == null) {
			return;
		}
		ListenerStatistics statistics = this.channel.counts;
		try {
			file.write(new DeadLetter(Instant.now(), this.channel.getName(), reason, line, size, attempts, cause,
					this.channel.getCharset()));
			statistics.deadLettered();
			if (this.failing) {
				this.failing = false;
				logger.info(
						"Channel '" + this.channel.getName() + "' writes dead letters to " + file.getPath() + " again");
			}
		}
		catch (IOException | RuntimeException ex) {
			statistics.deadLetterFailed();
			if (!this.failing) {
				this.failing = true;
				logger.error("Channel '" + this.channel.getName() + "' cannot write a dropped line (" + reason.tag()
						+ ") to its dead-letter file " + file.getPath() + "; it and the next ones are counted"
						+ " (pipeio.dead-letter.failures) and logged once until a write succeeds", ex);
			}
		}
	}

}
