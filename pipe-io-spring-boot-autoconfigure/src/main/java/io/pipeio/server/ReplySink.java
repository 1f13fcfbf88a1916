package io.pipeio.server;

import java.util.concurrent.CompletableFuture;

/**
 * Where a {@link LineHandler} sends the replies of the lines it is handling: given to it
 * with each line, so the replies of a chunk travel to the writer together (the writer
 * wakes once per chunk, not once per line) and in order, and reach the out pipe before
 * the replies of the next chunk.
 * <p>
 * A reply differs from a {@link PipeServer#send} in one way: with
 * {@link OverflowPolicy#BLOCK} it waits for room without a time limit, so the channel
 * stops reading its in pipe until a client reads (flow control, nothing lost), while a
 * plain send waits at most the send timeout. The other policies treat both alike.
 * <p>
 * A sink is meant for the thread the handler was called on, while the handler's chunk is
 * dispatched. Used on another thread, or after the chunk ended (a handler that kept it),
 * it sends as {@link PipeServer#send} does.
 *
 * @author pipe-io
 */
public interface ReplySink {

	/**
	 * Send a reply; a newline is appended.
	 * @param line the line, without newline
	 * @throws IllegalArgumentException if the line contains a newline
	 * @throws PipeSendException if the channel is not running, or the line did not fit
	 * and the policy is not {@link OverflowPolicy#DROP_NEWEST}
	 */
	void send(byte[] line);

	/**
	 * Send a reply and return a future completed once it is written to the pipe, or
	 * failed if it is dropped or the channel stops first. The chunk's replies before it
	 * are handed to the writer with it, so waiting for the future does not wait for the
	 * rest of the chunk.
	 * @param line the line, without newline
	 * @return the future
	 * @throws IllegalArgumentException if the line contains a newline
	 */
	CompletableFuture<Void> sendAsync(byte[] line);

	/**
	 * Hand the replies sent so far to the writer now rather than with the rest of the
	 * chunk: for a handler whose next reply will be sent from another thread, which must
	 * not overtake them. Does nothing on another thread or after the chunk ended.
	 */
	default void flush() {
	}

}
