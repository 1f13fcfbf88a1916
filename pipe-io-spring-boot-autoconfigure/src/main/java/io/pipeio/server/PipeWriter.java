package io.pipeio.server;

import java.io.IOException;

import org.jspecify.annotations.Nullable;

/**
 * Writes the lines of a channel's {@link SendQueue} to its opened <em>out</em> FIFO; what
 * {@link ChannelPipes} needs of a writer whichever engine runs it. Lines are written in
 * order, each with its newline, never interleaved. A writer ends once the queue is closed
 * and everything in it written, when {@link #abort() aborted}, or when writing fails.
 *
 * @author pipe-io
 */
interface PipeWriter {

	/**
	 * @return the FIFO written to
	 */
	PipeFile file();

	/**
	 * @return whether the writer still writes, or waits for lines
	 */
	boolean isAlive();

	/**
	 * @return what ended the writer other than a stop, or {@code null}
	 */
	@Nullable Throwable failure();

	/**
	 * Give up writing; lines not written are counted as dropped
	 * ({@link DropReason#SHUTDOWN}).
	 */
	void abort();

	/**
	 * Wait for the writer to end (once the queue is closed, when it has written it all).
	 * @param millis at most this long
	 * @return whether it ended
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean join(long millis) throws InterruptedException;

	/**
	 * Switch to a re-created FIFO. Clients still reading the old one get what was already
	 * written to it, then EOF; if none reads it any more, the lines left in it are lost
	 * and counted as dropped ({@link DropReason#PIPE_REPLACED}).
	 * @param replacement the new FIFO, opened and checked; the writer owns it from now on
	 * @throws IOException if it cannot be opened
	 */
	void replace(FifoDescriptor replacement) throws IOException;

	/**
	 * Whether a thread holds the writer now, so that {@link #replace} would wait for it
	 * (a slow callback of a written line runs while it does). By default never.
	 * @return whether the writer is busy
	 */
	default boolean isBusy() {
		return false;
	}

	/**
	 * Read and throw away what waits in the pipe unread, counting its lines as dropped
	 * ({@link DropReason#ABANDONED}).
	 * @param cutLast whether a last line without its newline counts too; not while the
	 * writer may still be writing it, as its newline is counted when it comes
	 * @return the lines thrown away
	 * @throws IOException if the pipe cannot be read
	 */
	long discardUnread(boolean cutLast) throws IOException;

}
