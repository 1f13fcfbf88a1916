package io.pipeio.server;

import java.io.IOException;

/**
 * How a reader waits, once every client has left the <em>in</em> pipe, for the next one
 * without spinning: a blocking read would return EOF again at once, and a blocking open
 * would miss a client that wrote and left before it. A fresh non-blocking reader is
 * polled instead: Linux reports input when there is data (also data left by a client that
 * came and went just before), and hang-up once a writer that came after it leaves.
 * {@link #wake()} ends the wait for good, for stop and retirement.
 *
 * @author pipe-io
 */
final class WriterWait {

	private final FifoDescriptor fifo;

	private int wakeFd = -1;

	private boolean woken;

	WriterWait(FifoDescriptor fifo) {
		this.fifo = fifo;
	}

	/**
	 * Wait until a client has written, or came and went.
	 * @return {@code true} when there is something to read (or an EOF to see),
	 * {@code false} once {@link #wake()} was called
	 * @throws IOException if the pipe cannot be polled
	 */
	boolean await() throws IOException {
		int reader;
		int wake;
		synchronized (this) {
			if (this.woken) {
				return false;
			}
			reader = this.fifo.openNonBlockingReader();
			try {
				wake = Posix.eventfd();
			}
			catch (IOException ex) {
				Posix.close(reader);
				throw ex;
			}
			this.wakeFd = wake;
		}
		try {
			return Posix.pollEither(reader, wake);
		}
		finally {
			synchronized (this) {
				// Under the lock that wake() takes: once closed, the number may name
				// another file.
				this.wakeFd = -1;
				Posix.close(wake);
			}
			Posix.close(reader);
		}
	}

	/** End the current wait, if any, and every later one. */
	synchronized void wake() {
		this.woken = true;
		if (this.wakeFd >= 0) {
			Posix.signal(this.wakeFd);
		}
	}

}
