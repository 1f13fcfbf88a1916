package io.pipeio.server;

import java.io.IOException;

/**
 * What a reader does once its channel stops: dispatch what is in the in pipe as the stop
 * begins, without waiting for more, while the dispatcher still takes lines, and count as
 * dropped ({@link DropReason#SHUTDOWN}) the lines it no longer takes, those written
 * since, and a line cut short. A pipe the server removes is removed first, then sealed
 * before that count ({@link InPipeSeal}), so that no client adds a line the count missed.
 * A pipe this server did not create outlives it, so what is not dispatched is left there
 * for the next server instead, while a client holds the pipe open; the rest of a line cut
 * short is taken out of it first ({@link LineRest}), so that the next server starts at a
 * whole line. With no writer left, the stop's close of the last reader frees the pipe's
 * buffer: its lines are counted as dropped, as in a removed pipe.
 *
 * @author pipe-io
 */
final class StopDrain {

	private final FifoDescriptor fifo;

	private final LineDispatcher dispatcher;

	private final LineFramer framer;

	private final byte[] buffer;

	/** Whether the server created the pipe, and so removes it at the stop. */
	private final boolean removed;

	StopDrain(FifoDescriptor fifo, LineDispatcher dispatcher, LineFramer framer, byte[] buffer, boolean removed) {
		this.fifo = fifo;
		this.dispatcher = dispatcher;
		this.framer = framer;
		this.buffer = buffer;
		this.removed = removed;
	}

	/**
	 * Drain the pipe.
	 * @param dispatch dispatches the first bytes of the buffer; {@code false} once the
	 * dispatcher takes no more lines
	 * @throws InterruptedException if interrupted while waiting to dispatch, once what is
	 * left was counted
	 */
	void drain(Dispatch dispatch) throws IOException, InterruptedException {
		if (!this.dispatcher.isCurrent(this.framer)) {
			// A reader of an earlier run, abandoned by its stop: the pipe is another
			// reader's now.
			return;
		}
		// Paused or closed, a pipe that outlives the server keeps its lines for the next
		// one, while a writer holds it open: else they go with our last reader.
		boolean held = !this.removed && (this.dispatcher.isClosed() || this.dispatcher.isPaused());
		if (held && !this.fifo.writersLeft() && !this.framer.hasPartialLine()) {
			return;
		}
		int reader = this.fifo.openNonBlockingReader();
		InterruptedException interrupted = null;
		try {
			if (!held) {
				try {
					dispatchWhatIsThere(reader, dispatch);
				}
				catch (InterruptedException ex) {
					interrupted = ex; // the chunk in hand was counted; the rest is below
				}
			}
			boolean midLine = false;
			if (this.dispatcher.isCurrent(this.framer) && this.framer.hasPartialLine()) {
				if (this.framer.abandonPartialLine()) {
					this.dispatcher.droppedAtStop(1);
				}
				midLine = !LineRest.skip(reader, this.buffer);
			}
			if (this.dispatcher.isCurrent(this.framer)) {
				countWhatGoes(reader, midLine);
			}
		}
		finally {
			Posix.close(reader);
		}
		if (interrupted != null) {
			throw interrupted;
		}
	}

	/**
	 * Dispatch what the pipe holds as the stop begins, and no more: a client that keeps
	 * writing would otherwise keep the drain, and the handler, going past the stop.
	 */
	private void dispatchWhatIsThere(int reader, Dispatch dispatch) throws IOException, InterruptedException {
		long left = PosixPoll.unreadBytes(reader);
		int read;
		while (left > 0 && this.dispatcher.isCurrent(this.framer) && (read = Posix.readNow(reader, this.buffer)) > 0) {
			left -= read;
			boolean taken = false;
			try {
				taken = dispatch.chunk(read);
			}
			finally {
				if (!taken) {
					this.dispatcher.refused(this.framer, this.buffer, read);
				}
			}
			if (!taken) {
				return;
			}
		}
	}

	/**
	 * Count as dropped what goes with the pipe: all it holds if no one can open it any
	 * more, sealed first so that no client adds a line after the count (a pipe this
	 * server removes is removed now, before the seal, so that the filler can never reach
	 * another reader, also if the removal fails); what it holds with every writer gone if
	 * it outlives the server. While a writer holds such a pipe, what it holds is the next
	 * server's.
	 */
	private void countWhatGoes(int reader, boolean midLine) throws IOException {
		if (this.removed) {
			PipeFiles.removeIfSame(this.fifo.file());
		}
		if (this.fifo.linksNow() == 0) {
			this.dispatcher.droppedAtStop(InPipeSeal.count(this.fifo, reader, midLine, this.buffer));
		}
		else if (this.removed || this.fifo.writersLeft()) {
			// not removed after all (or another name for it was made): counted as it is
			// taken, which makes room for a client to slip a line in at the end
			this.dispatcher.droppedAtStop(InPipeSeal.countByReading(reader, midLine, this.buffer));
		}
	}

	/**
	 * Dispatches a chunk read into the buffer.
	 */
	@FunctionalInterface
	interface Dispatch {

		boolean chunk(int length) throws InterruptedException;

	}

}
