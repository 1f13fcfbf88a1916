package io.pipeio.core;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Sending lines to channels. Implemented by {@link PipeTemplate}.
 *
 * @author pipe-io
 */
public interface PipeOperations {

	/**
	 * Queue a text line, encoded with the channel charset.
	 * @param channel the channel name
	 * @param line the line, without newline
	 * @throws IllegalArgumentException if the channel is unknown or the line contains a
	 * newline
	 * @throws io.pipeio.server.PipeSendException if the channel is not running or its
	 * queue stays full for the send timeout
	 */
	void send(String channel, String line);

	/**
	 * Queue a line of bytes. The array is queued, not copied: it must not be changed
	 * until the line is written.
	 * @param channel the channel name
	 * @param line the line, without newline
	 * @throws IllegalArgumentException if the channel is unknown or the line contains a
	 * newline
	 * @throws io.pipeio.server.PipeSendException if the channel is not running or its
	 * queue stays full for the send timeout
	 */
	void send(String channel, byte[] line);

	/**
	 * Convert an object to one line (JSON by default) and queue it.
	 * @param channel the channel name
	 * @param payload the object
	 */
	void convertAndSend(String channel, Object payload);

	/**
	 * Queue a text line and return a future completed once it is written to the pipe.
	 * @param channel the channel name
	 * @param line the line, without newline
	 * @return the future, failed if the line cannot be queued or the channel stops first
	 */
	CompletableFuture<Void> sendAsync(String channel, String line);

	/**
	 * Queue a line of bytes and return a future completed once it is written to the pipe.
	 * @param channel the channel name
	 * @param line the line, without newline
	 * @return the future, failed if the line cannot be queued or the channel stops first
	 */
	CompletableFuture<Void> sendAsync(String channel, byte[] line);

	/**
	 * The charset a channel's text lines are encoded in, for a caller that turns objects
	 * into lines itself. By default UTF-8, the default of every channel.
	 * @param channel the channel name
	 * @return the charset
	 * @throws IllegalArgumentException if the channel is unknown
	 */
	default Charset getCharset(String channel) {
		return StandardCharsets.UTF_8;
	}

}
