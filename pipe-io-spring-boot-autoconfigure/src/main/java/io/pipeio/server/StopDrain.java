package io.pipeio.server;

import java.io.IOException;

/**
 * What a reader does once its channel stops: dispatch what is in the in pipe now, without
 * waiting for more, while the dispatcher still takes lines, and count as dropped
 * ({@link DropReason#SHUTDOWN}) the lines it no longer takes and a line cut short. A pipe
 * this server did not create outlives it, so what the dispatcher no longer takes is left
 * there for the next server instead.
 *
 * @author pipe-io
 */
final class StopDrain {

	/**
	 * At most this much is read to count lines: a pipe's largest size (writers may go on
	 * writing).
	 */
	private static final int MAX_COUNTED = 1024 * 1024;

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
		if ((this.dispatcher.isClosed() || this.dispatcher.isPaused()) && !this.managed) {
			// paused: the pipe outlives the server, so its lines wait there for the next
			// one
			return;
		}
		int reader = this.fifo.openNonBlockingReader();
		try {
			int read;
			while (this.dispatcher.isCurrent(this.framer) && (read = Posix.readNow(reader, this.buffer)) > 0) {
				if (!dispatch.chunk(read)) {
					// A managed pipe is removed now: count what it holds. Another stays
					// for the next server.
					this.dispatcher
						.droppedAtStop(Posix.countLines(reader, this.buffer, read, this.managed ? MAX_COUNTED : 0));
					this.framer.resync(false);
					return;
				}
			}
			if (this.framer.hasPartialLine()) {
				this.dispatcher.droppedAtStop(1);
				this.framer.resync(false);
			}
		}
		finally {
			Posix.close(reader);
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
