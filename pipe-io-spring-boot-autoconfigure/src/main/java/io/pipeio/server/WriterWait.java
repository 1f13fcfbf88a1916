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

	/**
	 * The reader {@link #watch()} opened for the next wait; only the reading thread uses
	 * it.
	 */
	private int watcher = -1;

	private boolean woken;

	WriterWait(FifoDescriptor fifo) {
		this.fifo = fifo;
	}

	/**
	 * Open the reader the next wait polls, now, as the last client's departure is seen: a
	 * client that comes and goes from now on is seen leaving, also before the wait begins
	 * (a reader opened after it left would report nothing). Until it is opened, the
	 * departure is not told, so that a client that comes once it was told (a restarted
	 * plug-in) is never missed.
	 * @throws IOException if the pipe cannot be opened
	 */
	void watch() throws IOException {
		if (this.watcher < 0) {
			this.watcher = this.fifo.openNonBlockingReader();
		}
	}

	/**
	 * Tell whether the reader {@link #watch()} opened has seen a client already: one that
	 * wrote, or came and went. The next wait returns at once for it.
	 * @return whether it reports input or hang-up; {@code false} if none was opened
	 */
	boolean watchedAClient() {
		if (this.watcher < 0) {
			return false;
		}
		try {
			return PosixPoll.sawAClient(this.watcher);
		}
		catch (IOException ex) {
			return false; // the wait polls it again
		}
	}

	/**
	 * Wait until a client has written, or came and went, since {@link #watch()} if it was
	 * called, else from now on.
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
			reader = (this.watcher >= 0) ? this.watcher : this.fifo.openNonBlockingReader();
			this.watcher = -1;
			try {
				wake = PosixPoll.eventfd();
			}
			catch (IOException ex) {
				Posix.close(reader);
				throw ex;
			}
			this.wakeFd = wake;
		}
		try {
			return PosixPoll.pollEither(reader, wake);
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

	/**
	 * Close the reader {@link #watch()} opened, if no wait took it; by the reading
	 * thread.
	 */
	void close() {
		if (this.watcher >= 0) {
			Posix.close(this.watcher);
			this.watcher = -1;
		}
	}

	/** End the current wait, if any, and every later one. */
	synchronized void wake() {
		this.woken = true;
		if (this.wakeFd >= 0) {
			PosixPoll.signal(this.wakeFd);
		}
	}

}
