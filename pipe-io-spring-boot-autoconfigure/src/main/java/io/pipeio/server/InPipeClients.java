package io.pipeio.server;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * The clients of an <em>in</em> FIFO that an {@link EventLoopReader} reads: tells the
 * dispatcher of the first one's arrival and of the last one's departure, once each; tells
 * whether an end read is such a departure; and renews the descriptor around a departure
 * so that it reports the next one. A retired pipe's clients are still reported present
 * and gone: the channel has a client while any of its pipes has one.
 * <p>
 * Only the reader's turns call it, one at a time; the loop reports a hang-up through
 * {@link #hangUp(int)}.
 *
 * @author pipe-io
 */
final class InPipeClients {

	private final InPipeDescriptor in;

	private final LineDispatcher dispatcher;

	private final LineFramer framer;

	private final Consumer<Throwable> failures;

	/** Only turns use these; they run one at a time. */
	private boolean present;

	/**
	 * The descriptor could not be renewed as the EOF was read (out of descriptors, say):
	 * the departure is told first all the same, then renewing is tried again, and a
	 * second failure ends the reader as before. Only turns use it.
	 */
	private boolean renewPending;

	/**
	 * The registration of the descriptor for which the loop reported hang-up, 0 for none:
	 * the next end read is a departure, also if a next client opened the pipe meanwhile.
	 * Cleared by the turn that reads that end. One for a descriptor that was replaced
	 * since is not the current descriptor's: a worker may have read that end already.
	 */
	private volatile int hangUpRegistration;

	/**
	 * @param in the descriptor the clients are seen through
	 * @param dispatcher told of arrivals and departures
	 * @param framer the framer of the reader's pipe, whose partial line a departure drops
	 * @param failures told of a listener failing on an arrival
	 */
	InPipeClients(InPipeDescriptor in, LineDispatcher dispatcher, LineFramer framer, Consumer<Throwable> failures) {
		this.in = in;
		this.dispatcher = dispatcher;
		this.framer = framer;
		this.failures = failures;
	}

	/**
	 * The loop reported hang-up on the descriptor.
	 * @param registration the registration it came through
	 */
	void hangUp(int registration) {
		this.hangUpRegistration = registration;
	}

	/**
	 * @return whether the loop reported hang-up that no end read answered yet. An
	 * edge-triggered descriptor does not report it again, so a read that empties the pipe
	 * must not be the last of its turn: the end after it is the departure.
	 */
	boolean hangUpPending() {
		return this.hangUpRegistration == this.in.registration();
	}

	/**
	 * Whether the end just read is a departure: the loop reported hang-up, or, for a turn
	 * no event started, the descriptor reports it now.
	 */
	boolean departed() throws IOException {
		boolean reported = hangUpPending();
		this.hangUpRegistration = 0;
		return reported || this.in.writerCameAndLeft();
	}

	/**
	 * Renew the descriptor once an end read is a departure, before the departure is told:
	 * a client that comes once it was told (a restarted plug-in) and leaves without
	 * writing is seen leaving, which a reader opened after it left would not report.
	 */
	void renew() {
		try {
			this.in.renew();
		}
		catch (IOException ex) {
			// told first all the same: renewed (or failing) after it
			this.renewPending = true;
		}
	}

	/**
	 * Every writer has left: nobody can complete a partial line any more. The descriptor
	 * was renewed already, so that it does not report this departure again.
	 * @throws InterruptedException if interrupted while waiting to drop the partial line
	 */
	void left() throws InterruptedException {
		// reported by the loop only once a writer came since the descriptor was opened
		this.dispatcher.endOfStream(this.framer, true);
		presence(false);
	}

	/**
	 * Renew the descriptor if that failed as the departure was read.
	 * @throws IOException if it fails again
	 */
	void renewIfPending() throws IOException {
		if (this.renewPending) {
			this.renewPending = false;
			this.in.renew();
		}
	}

	/**
	 * Tell of a client's arrival, between reading its first chunk and handling it: a
	 * listener failing on it is reported, and the chunk is still handled.
	 */
	void arrived() {
		try {
			presence(true);
		}
		catch (RuntimeException | Error ex) {
			this.failures.accept(ex);
		}
	}

	/** The reader ends: a client still there is told gone. */
	void gone() {
		presence(false);
	}

	private void presence(boolean present) {
		if (this.present != present) {
			this.present = present;
			this.dispatcher.clientPresence(this, present);
		}
	}

}
