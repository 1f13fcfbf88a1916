package io.pipeio.server;

import java.util.function.Consumer;

/**
 * How a reader of either engine hands the chunks it read from its pipe to the dispatcher,
 * waiting while paused. A failure on the way that is not the handler's (which the
 * dispatcher catches per line) — an {@code OutOfMemoryError} while assembling a line, a
 * listener throwing — is reported and reading goes on: ending the reader would close the
 * pipe's last reader under the attached clients, whose next write would then fail with
 * EPIPE. The lines of that chunk not framed yet are lost and counted as dropped
 * ({@link DropReason#READER_FAILED}), and a line it ended inside is skipped up to its
 * newline rather than delivered as a fragment.
 *
 * @author pipe-io
 */
final class ReadChunks {

	private final LineDispatcher dispatcher;

	private final LineFramer framer;

	private final Consumer<Throwable> failures;

	/**
	 * @param dispatcher where lines go
	 * @param framer the framer of the reader's pipe
	 * @param failures told of a failure on the way to the handler
	 */
	ReadChunks(LineDispatcher dispatcher, LineFramer framer, Consumer<Throwable> failures) {
		this.dispatcher = dispatcher;
		this.framer = framer;
		this.failures = failures;
	}

	/**
	 * Dispatch a chunk; one the dispatcher no longer takes is left to the caller to count
	 * (the stop's drain counts what it read itself).
	 * @param chunk the bytes
	 * @param length how many
	 * @return {@code false} if the dispatcher no longer takes lines
	 * @throws InterruptedException if interrupted while waiting to dispatch
	 */
	boolean dispatch(byte[] chunk, int length) throws InterruptedException {
		long end = this.framer.position() + length;
		try {
			return this.dispatcher.dispatch(this.framer, chunk, length);
		}
		catch (RuntimeException | Error ex) {
			failed(chunk, length, end, ex);
			return true;
		}
	}

	/**
	 * A chunk's dispatch failed on the way to the handler: count the lines lost with it,
	 * start afresh after it and report the failure.
	 * @param chunk the bytes
	 * @param length how many
	 * @param end where the framer's stream stands after the chunk
	 * @param failure what was thrown
	 */
	void failed(byte[] chunk, int length, long end, Throwable failure) {
		try {
			this.dispatcher.lostWithReader(this.framer.cut(chunk, length, end));
		}
		catch (RuntimeException | Error ex) {
			// A listener told of the count failed (the lines are counted before): the
			// failure reported next is the one that lost them.
		}
		this.failures.accept(failure);
	}

	/**
	 * Dispatch a chunk taken from the pipe; if the dispatcher no longer takes it, or the
	 * wait for it is interrupted, its lines are counted as dropped, since no drain sees
	 * them.
	 * @param chunk the bytes
	 * @param length how many
	 * @return {@code false} if the dispatcher no longer takes lines
	 * @throws InterruptedException if interrupted while waiting to dispatch
	 */
	boolean dispatchTaken(byte[] chunk, int length) throws InterruptedException {
		boolean dispatched = false;
		try {
			dispatched = dispatch(chunk, length);
			return dispatched;
		}
		finally {
			if (!dispatched) {
				this.dispatcher.refused(this.framer, chunk, length);
			}
		}
	}

}
