package io.pipeio.server;

import java.io.IOException;

/**
 * A reader of an <em>in</em> pipe opened with it, before any client the server knows of
 * (a plug-in) could open it, that tells at the pipe's first EOF whether a writer came and
 * went. The reading thread cannot tell that from its own read: it may have waited for a
 * writer that wrote nothing, when the channel started paused. Linux reports hang-up on
 * this reader once such a writer left.
 * <p>
 * Asked once, then closed; {@link #close()} closes it earlier, at stop: a thread held in
 * a handler past the stop must not keep a second descriptor of the pipe. While the server
 * opens a blocking reader again, it holds a writer of its own for a moment, which the
 * witness would take for a client: it is {@linkplain #suspend() suspended} around that
 * open.
 *
 * @author pipe-io
 */
final class FirstEndWitness {

	/** -1 while closed or suspended; guarded by this. */
	private int reader;

	/** Asked, or closed at stop: never watches again. Guarded by this. */
	private boolean done;

	private FirstEndWitness(int reader) {
		this.reader = reader;
	}

	/**
	 * Open a witness of a FIFO.
	 * @param fifo the FIFO, opened for reading by the server
	 * @return the witness; one that tells nothing if the FIFO cannot be opened again
	 */
	static FirstEndWitness open(FifoDescriptor fifo) {
		try {
			return new FirstEndWitness(fifo.openNonBlockingReader());
		}
		catch (IOException | RuntimeException ex) {
			// then only a departure before the first read goes uncounted
			return new FirstEndWitness(-1);
		}
	}

	/**
	 * Tell, the first time only, whether a writer came and every writer has left; closes
	 * the witness.
	 * @return whether it saw a writer leave; {@code false} once asked or closed
	 */
	synchronized boolean writerCameAndWent() {
		try {
			return suspend();
		}
		finally {
			this.done = true;
		}
	}

	/**
	 * Stop watching before the server holds a writer of the pipe itself, until
	 * {@link #watchAgain}. A client that opens the pipe in between and leaves without
	 * writing goes unseen: the witness opened again after it came does not report its
	 * leaving.
	 * @return whether a writer came and every writer has left before now; {@code false}
	 * once asked or closed
	 */
	synchronized boolean suspend() {
		if (this.reader < 0) {
			return false;
		}
		try {
			return PosixPoll.writersLeft(this.reader);
		}
		catch (IOException ex) {
			return false; // a departure goes uncounted, nothing else
		}
		finally {
			// Under the lock, so that a number closed here is never polled after
			// another open reused it.
			Posix.close(this.reader);
			this.reader = -1;
		}
	}

	/**
	 * Watch again once the server's own writer has left; not once asked or closed.
	 * @param fifo the FIFO, opened for reading by the server
	 */
	synchronized void watchAgain(FifoDescriptor fifo) {
		if (this.done || this.reader >= 0) {
			return;
		}
		try {
			this.reader = fifo.openNonBlockingReader();
		}
		catch (IOException | RuntimeException ex) {
			// then only a departure before the first read goes uncounted
		}
	}

	/** Close the witness for good, if still open. */
	synchronized void close() {
		suspend();
		this.done = true;
	}

}
