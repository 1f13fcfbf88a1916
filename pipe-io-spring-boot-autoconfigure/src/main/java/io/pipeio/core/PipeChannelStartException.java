package io.pipeio.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A channel could not start because its pipes, their directory, its lock file or the
 * directory of its dead-letter file could not be used. The message is the cause's; the
 * channel and its pipe paths let a failure analyzer name the property to change.
 *
 * @author pipe-io
 */
public class PipeChannelStartException extends UncheckedIOException {

	private static final long serialVersionUID = 1L;

	private final String channel;

	private final Path inPipe;

	private final Path outPipe;

	/**
	 * Create an exception.
	 * @param channel the channel's name
	 * @param inPipe the channel's in pipe
	 * @param outPipe the channel's out pipe
	 * @param cause why the pipes could not be used
	 */
	public PipeChannelStartException(String channel, Path inPipe, Path outPipe, IOException cause) {
		super(cause.getMessage(), cause);
		this.channel = channel;
		this.inPipe = inPipe;
		this.outPipe = outPipe;
	}

	/**
	 * @return the name of the channel that could not start
	 */
	public String getChannel() {
		return this.channel;
	}

	/**
	 * @return the channel's in pipe
	 */
	public Path getInPipe() {
		return this.inPipe;
	}

	/**
	 * @return the channel's out pipe
	 */
	public Path getOutPipe() {
		return this.outPipe;
	}

}
