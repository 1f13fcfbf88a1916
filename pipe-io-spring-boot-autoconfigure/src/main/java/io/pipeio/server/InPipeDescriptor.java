package io.pipeio.server;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * The one descriptor through which the event loop engine reads an <em>in</em> FIFO: the
 * non-blocking reader the pipe was checked through, registered with the loop, renewed
 * after every departure of the last client, and read in a way a pause can wait for.
 *
 * @author pipe-io
 */
final class InPipeDescriptor {

	/** How long {@link #holdBack()} waits for a read to return. */
	private static final long HOLD_BACK_NANOS = 1_000_000_000L;

	private final FifoDescriptor fifo;

	private final EventLoop loop;

	private final Reports reports;

	/**
	 * The token of the current registration, 0 before the first: each takes a new one, so
	 * that what the loop pulled for the descriptor a renewal replaced is ignored.
	 */
	private long token;

	/**
	 * The number of the current registration, which the loop's reports carry: a report
	 * handed out while a renewal replaces the descriptor is told all the same, and tells
	 * by its number that it is not the new descriptor's. Only turns use it.
	 */
	private int registration;

	/**
	 * Whether the descriptor is armed edge-triggered: a turn that emptied the pipe leaves
	 * it armed.
	 */
	private boolean edgeTriggered;

	/** Set from just before a read checks whether it may go on until it returned. */
	private volatile boolean reading;

	/**
	 * How many bytes reads took from the pipe; written before {@link #reading} is
	 * cleared.
	 */
	private long taken;

	/**
	 * @param fifo the FIFO, opened and checked
	 * @param loop the loop that reports it
	 * @param reports told, on the loop thread, what the loop reports of it
	 */
	InPipeDescriptor(FifoDescriptor fifo, EventLoop loop, Reports reports) {
		this.fifo = fifo;
		this.loop = loop;
		this.reports = reports;
	}

	FifoDescriptor fifo() {
		return this.fifo;
	}

	/**
	 * Register with the loop, armed one-shot: the loop reports input, or hang-up, once.
	 */
	void register() throws IOException {
		this.loop.removeToken(this.token);
		int registered = ++this.registration;
		this.token = this.loop.newToken((events) -> this.reports.report(registered, events));
		this.edgeTriggered = false;
		this.loop.add(this.fifo.descriptor(), Epoll.EPOLLIN, this.token);
	}

	/**
	 * @return the number of the current registration, which the reports of the current
	 * descriptor carry; only turns ask
	 */
	int registration() {
		return this.registration;
	}

	/**
	 * Have the loop report the descriptor again, at once if the pipe holds bytes.
	 * @param onLoop whether the loop thread handles the channel's chunks: then armed
	 * edge-triggered, else one-shot, so that the loop is not told of a channel that
	 * workers are busy with
	 */
	void arm(boolean onLoop) throws IOException {
		this.edgeTriggered = onLoop;
		if (onLoop) {
			this.loop.armEdgeTriggered(this.fifo.descriptor(), Epoll.EPOLLIN, this.token);
		}
		else {
			this.loop.arm(this.fifo.descriptor(), Epoll.EPOLLIN, this.token);
		}
	}

	/**
	 * Have the loop report nothing more of the pipe's input until it is armed again: a
	 * descriptor armed edge-triggered would report every write to a paused channel. A
	 * hang-up is still reported, once.
	 */
	void disarm() throws IOException {
		if (this.edgeTriggered) {
			this.edgeTriggered = false;
			this.loop.arm(this.fifo.descriptor(), 0, this.token);
		}
	}

	/**
	 * Have the loop report what comes next, once a read found the pipe empty (or took
	 * less than it asked for, which a pipe does only when it empties). Edge-triggered,
	 * the descriptor is armed still: the next write reports it, and nothing is called.
	 * @param onLoop whether the loop thread handles the channel's chunks
	 */
	void armWhenEmpty(boolean onLoop) throws IOException {
		// a failed loop waits on nothing: arming tells the channel so
		if (!this.edgeTriggered || !onLoop || this.loop.failed()) {
			arm(onLoop);
		}
	}

	/**
	 * Every writer has left: this descriptor would report hang-up from now on, so it is
	 * replaced by a fresh reader opened through it, before it is closed (the FIFO never
	 * loses its last reader). The new one reports the next client's data, or its hang-up
	 * if it came and went meanwhile. Kept instead if a client wrote since the end was
	 * read: the fresh reader may have opened after that client left, and would never
	 * report its departure; this one does, once its bytes are read.
	 */
	void renew() throws IOException {
		this.loop.remove(this.fifo.descriptor());
		this.fifo.renewReaderIfEmpty();
		register();
	}

	/**
	 * Tell, once a read saw the end of the pipe, whether that end is a departure: whether
	 * a writer came since the descriptor was opened (and every one has left).
	 * @return whether the descriptor reports hang-up
	 * @throws IOException if it cannot be polled, or was closed (its number may name
	 * another file by then)
	 */
	boolean writerCameAndLeft() throws IOException {
		return this.fifo.writersLeft();
	}

	/**
	 * Read what is there without waiting.
	 * @param buffer where to read to; the bytes end up in its array
	 * @param length at most this many bytes
	 * @param refusal asked after the read is announced: a negative value to return
	 * instead of reading, 0 to read. A pause sets its flag before {@link #holdBack()}
	 * looks at the read: either the read sees the pause, or the pause waits for the read
	 * @return the bytes read, 0 at EOF (every writer has left), -1 when nothing is there
	 * yet, or the refusal
	 */
	int read(NativeBuffer buffer, int length, IntSupplier refusal) throws IOException {
		this.reading = true;
		try {
			int refused = refusal.getAsInt();
			if (refused < 0) {
				return refused;
			}
			int read = Posix.readNow(this.fifo.descriptor(), buffer.memory, length);
			if (read > 0) {
				buffer.copyToArray(read);
				this.taken += read;
			}
			return read;
		}
		finally {
			this.reading = false;
		}
	}

	/**
	 * Wait until a read under way returned: a non-blocking read, over in microseconds.
	 */
	void holdBack() {
		long deadline = System.nanoTime() + HOLD_BACK_NANOS;
		while (this.reading && System.nanoTime() - deadline < 0) {
			LockSupport.parkNanos(100_000);
		}
	}

	/**
	 * Where what the pipe holds now ends, counted from the first byte a read took. Only
	 * while no read is under way ({@link #holdBack()} returned, or on the reading
	 * thread).
	 * @return the bytes taken plus the bytes still in the pipe
	 */
	long end() throws IOException {
		return this.taken + this.fifo.unreadBytes();
	}

	/**
	 * @return how many bytes reads took from the pipe; only while no read is under way
	 */
	long taken() {
		return this.taken;
	}

	/** Unregister and close; the number may name another file afterwards. */
	void release() {
		this.loop.remove(this.fifo.descriptor());
		this.loop.removeToken(this.token);
		this.fifo.close();
	}

	/**
	 * Told, on the loop thread, what the loop reports of the descriptor. An
	 * edge-triggered descriptor may be reported while a worker reads it, so a report may
	 * come for a descriptor that a renewal is replacing: the number of the registration
	 * it came through tells.
	 */
	@FunctionalInterface
	interface Reports {

		/**
		 * @param registration the number of the registration the report came through
		 * @param events what the loop reports
		 */
		void report(int registration, int events);

	}

}
