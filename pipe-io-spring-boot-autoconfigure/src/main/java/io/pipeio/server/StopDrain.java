package io.pipeio.server;

import java.io.IOException;

/**
 * What a reader does once its channel stops: dispatch what is in the in pipe now, without
 * waiting for more, while the dispatcher still takes lines, and count as dropped
 * ({@link DropReason#SHUTDOWN}) the lines it no longer takes and a line cut short. A pipe
 * this server did not create outlives it, so what the dispatcher no longer takes is left
 * there for the next server instead, while a client holds the pipe open; the rest of a
 * line cut short is taken out of it first ({@link LineRest}), so that the next server
 * starts at a whole line. With no writer left, the stop's close of the last reader frees
 * the pipe's buffer: its lines are counted as dropped, as in a removed pipe.
 *
 * @author pipe-io
 */
final class StopDrain {

	private final FifoDescriptor fifo;

	private final LineDispatcher dispatcher;

	private final LineFramer framer;

	private final byte[] buffer;

	private final boolean managed;

	StopDrain(FifoDescriptor fifo, LineDispatcher dispatcher, LineFramer framer, byte[] buffer, boolean managed) {
		this.fifo = fifo;
		this.dispatcher = dispatcher;
		this.framer = framer;
		this.buffer = buffer;
		this.managed = managed;
	}

	/**
	 * Drain the pipe.
	 * @param dispatch dispatches the first bytes of the buffer; {@code false} once the
	 * dispatcher takes no more lines
	 */
	void drain(Dispatch dispatch) throws IOException, InterruptedException {
		if (!this.dispatcher.isCurrent(this.framer)) {
			// A reader of an earlier run, abandoned by its stop: the pipe is another
			// reader's now.
			return;
		}
		// Paused or closed, a pipe that outlives the server keeps its lines for the next
		// one, while a writer holds it open: else they go with our last reader.
		boolean held = !this.managed && (this.dispatcher.isClosed() || this.dispatcher.isPaused());
		boolean lost = held && this.fifo.writersLeft();
		if (held && !lost && !this.framer.hasPartialLine()) {
			return;
		}
		int reader = this.fifo.openNonBlockingReader();
		try {
			if (!held) {
				dispatchWhatIsThere(reader, dispatch);
			}
			if (this.dispatcher.isCurrent(this.framer) && this.framer.hasPartialLine()) {
				if (this.framer.abandonPartialLine()) {
					this.dispatcher.droppedAtStop(1);
				}
				LineRest.skip(reader, this.buffer);
			}
			if (lost && this.dispatcher.isCurrent(this.framer)) {
				this.dispatcher.droppedAtStop(Posix.countLines(reader, this.buffer, 0, Posix.MAX_COUNTED));
			}
		}
		finally {
			Posix.close(reader);
		}
	}

	private void dispatchWhatIsThere(int reader, Dispatch dispatch) throws IOException, InterruptedException {
		int read;
		while (this.dispatcher.isCurrent(this.framer) && (read = Posix.readNow(reader, this.buffer)) > 0) {
			if (!dispatch.chunk(read)) {
				this.dispatcher.refused(this.framer, this.buffer, read);
				if (this.managed) {
					// Removed now: count what it holds, after the rest of a line just
					// counted.
					if (this.framer.hasPartialLine()) {
						this.framer.abandonPartialLine();
						LineRest.skip(reader, this.buffer);
					}
					this.dispatcher.droppedAtStop(Posix.countLines(reader, this.buffer, 0, Posix.MAX_COUNTED));
				}
				return;
			}
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
