package io.pipeio.server;

import java.io.IOException;

/**
 * Reads one opened <em>in</em> FIFO and hands its chunks to the channel's
 * {@link LineDispatcher}; what {@link ChannelPipes} needs of a reader whichever engine
 * runs it. A reader ends after {@link #close()} (having drained the pipe), after
 * {@link #retire()} once every client left, or when reading fails.
 *
 * @author pipe-io
 */
interface PipeReader {

	/**
	 * @return the FIFO this reader reads
	 */
	PipeFile file();

	/**
	 * @return whether the reader still reads (or drains)
	 */
	boolean isAlive();

	/**
	 * The pipe was deleted or replaced on disk: read it until every attached client has
	 * left, then end. Presence and partial lines of the channel are the new pipe's
	 * business now.
	 */
	void retire();

	/**
	 * Called once the dispatcher is paused: once this returns, no more bytes are taken
	 * from the pipe.
	 */
	void holdBack();

	/** Called once the dispatcher is no longer paused: read again. */
	void resume();

	/**
	 * Set a mark at the end of what the pipe holds now (see {@link InputFence}): after
	 * the bytes the reader took, and those still in the pipe. Called while the reader is
	 * held back, so that no read is under way.
	 * @param reached run once the reader reaches the mark
	 * @return the mark
	 * @throws IOException if the pipe cannot be asked what it holds
	 */
	InputFence fence(Runnable reached) throws IOException;

	/**
	 * @return the framer of the reader's stream, where its marks are set
	 */
	LineFramer framer();

	/**
	 * @return how many bytes the reader took from its pipe; read by another thread once
	 * it ended, or while it is held back
	 */
	long taken();

	/**
	 * Stop reading: drain what is in the pipe, without waiting for more, and end. A chunk
	 * being dispatched is finished first.
	 */
	void close();

	/**
	 * Mark a thread that did not end when stopped in its name, for thread dumps and
	 * messages.
	 */
	void abandon();

	/** Interrupt the thread running the handler, for a handler that does not return. */
	void interrupt();

	/**
	 * Wait for the reader to end.
	 * @param millis at most this long
	 * @return whether it ended
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean join(long millis) throws InterruptedException;

}
