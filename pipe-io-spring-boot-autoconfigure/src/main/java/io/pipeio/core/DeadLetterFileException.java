package io.pipeio.core;

import java.nio.file.Path;

/**
 * A channel could not start because its dead-letter file cannot be written: something
 * else is at the path (a link, a FIFO, a directory, another user's file or one with
 * another name), or the file or its directory cannot be created. The channel and the file
 * let a failure analyzer name the property to change.
 *
 * @author pipe-io
 */
public class DeadLetterFileException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String channel;

	private final Path file;

	private final String problem;

	/**
	 * Create an exception.
	 * @param channel the channel's name
	 * @param file the dead-letter file
	 * @param problem what is wrong, in words
	 * @param cause the refusal
	 */
	public DeadLetterFileException(String channel, Path file, String problem, Throwable cause) {
		super("Channel '" + channel + "' cannot write dead letters to " + file + ": " + problem + "; set"
				+ " pipe-io.channels." + channel + ".dead-letter.file (or pipe-io.channel-defaults.dead-letter.file)"
				+ " to a file this user may create, in a directory that exists or that it may create", cause);
		this.channel = channel;
		this.file = file;
		this.problem = problem;
	}

	/**
	 * @return the name of the channel that could not start
	 */
	public String getChannel() {
		return this.channel;
	}

	/**
	 * @return the dead-letter file
	 */
	public Path getFile() {
		return this.file;
	}

	/**
	 * @return what is wrong with it, without the advice
	 */
	public String getProblem() {
		return this.problem;
	}

}
