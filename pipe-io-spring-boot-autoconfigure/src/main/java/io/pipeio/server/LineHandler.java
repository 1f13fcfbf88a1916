package io.pipeio.server;

/**
 * Receives the lines read from a channel's <em>in</em> pipe, in order, on the channel's
 * reader thread. The line is {@code buffer[offset, offset + length)} without its
 * terminating newline; the buffer is reused once the method returns, so copy what must
 * outlive the call.
 * <p>
 * A handler that replies does so through the {@link ReplySink} the overloads with a sink
 * are given: those replies are batched per chunk and, with {@link OverflowPolicy#BLOCK},
 * wait for room without a time limit. A {@link PipeServer#send} made by a handler is an
 * ordinary send, as from any other thread (it waits at most the send timeout).
 *
 * @author pipe-io
 */
@FunctionalInterface
public interface LineHandler {

	/**
	 * Handle one line.
	 * @param buffer the buffer holding the line, valid only during this call
	 * @param offset where the line starts in {@code buffer}
	 * @param length the number of bytes of the line (zero for an empty line)
	 * @throws Exception any failure; it is counted as {@link DropReason#HANDLER_ERROR},
	 * reported to {@link PipeServerListener#onHandlerError} and the channel goes on with
	 * the next line. A handler that decides about its failures itself (counts them in its
	 * {@link #getStatistics() statistics}) must not throw for a line it counted, or the
	 * line is counted twice
	 */
	void onLine(byte[] buffer, int offset, int length) throws Exception;

	/**
	 * Handle one line, with the sink for its replies; what the engine calls. By default,
	 * the same as {@link #onLine(byte[], int, int)}, for a handler that does not reply.
	 * @param buffer the buffer holding the line, valid only during this call
	 * @param offset where the line starts in {@code buffer}
	 * @param length the number of bytes of the line (zero for an empty line)
	 * @param replies where the line's replies go, as the sink's own documentation says
	 * @throws Exception any failure, as for {@link #onLine(byte[], int, int)}
	 */
	default void onLine(byte[] buffer, int offset, int length, ReplySink replies) throws Exception {
		onLine(buffer, offset, length);
	}

	/**
	 * Handle one line that was assembled into an array of its own (a line longer than the
	 * read buffer): the handler may keep the array instead of copying it, which halves
	 * the memory a large line costs. By default, the same as
	 * {@link #onLine(byte[], int, int)}.
	 * @param line the line without its newline, owned by the handler
	 * @throws Exception any failure, as for {@link #onLine(byte[], int, int)}
	 */
	default void onOwnedLine(byte[] line) throws Exception {
		onLine(line, 0, line.length);
	}

	/**
	 * Handle one line in an array of its own, with the sink for its replies; what the
	 * engine calls. By default, the same as {@link #onOwnedLine(byte[])}, so a handler
	 * that replies overrides both methods with a sink.
	 * @param line the line without its newline, owned by the handler
	 * @param replies where the line's replies go
	 * @throws Exception any failure, as for {@link #onLine(byte[], int, int)}
	 */
	default void onOwnedLine(byte[] line, ReplySink replies) throws Exception {
		onOwnedLine(line);
	}

	/**
	 * Learn of a partial line that every client left without finishing it; it was dropped
	 * and counted ({@link DropReason#INCOMPLETE}). By default, nothing more happens.
	 * @param partial the bytes of the unfinished line
	 */
	default void onIncompleteLine(byte[] partial) {
	}

	/**
	 * Learn of a line over the max message size; it was skipped and counted
	 * ({@link DropReason#TOO_LARGE}). By default, nothing more happens.
	 * @param size its size in bytes
	 */
	default void onTooLargeLine(long size) {
	}

	/**
	 * Called after the lines of one chunk read from the pipe have been handled: they were
	 * handled back to back, with no wait for the pipe between them, so a handler can time
	 * them as a whole (two clock reads per chunk instead of two per line). Called before
	 * the chunk's replies are flushed, also when handling the chunk failed. By default,
	 * nothing; must not throw.
	 * @see #beforeRepliesHandedOver()
	 */
	default void onChunkEnd() {
	}

	/**
	 * Called before the replies of the lines handled so far are handed to the writer
	 * ahead of the chunk's end: after each line of a handler measured slow, or where they
	 * must not wait for the rest of the chunk (they reach the send queue's bounds, a
	 * reply whose sender waits for it, a plain send or a flush of the sink). Handing them
	 * over may wait for room in the send queue ({@link OverflowPolicy#BLOCK}), so a
	 * handler that times its lines as a whole ends their time here, as at
	 * {@link #onChunkEnd()}. Called on the thread dispatching the chunk, also from within
	 * {@link #onLine(byte[], int, int, ReplySink)} when a reply made there is what hands
	 * them over. By default, nothing; must not throw.
	 */
	default void beforeRepliesHandedOver() {
	}

	/**
	 * Return the counters this handler keeps of the lines it dropped itself, which the
	 * channel's {@link ChannelStatistics} adds to the engine's. Called once, when the
	 * server is created. By default, none.
	 * @return the handler's counters
	 */
	default HandlerStatistics getStatistics() {
		return HandlerStatistics.NONE;
	}

}
