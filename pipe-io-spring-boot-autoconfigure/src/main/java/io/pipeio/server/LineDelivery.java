package io.pipeio.server;

import java.util.Arrays;

/**
 * Hands each line the framer completes to the {@link LineHandler}, with the reply sink,
 * and counts it before the handler runs; tells of lines dropped as too large or
 * incomplete. What escapes the handler is counted once and reported, and the thread goes
 * on with the next line. Called by the framers of a channel with the
 * {@link LineDispatcher}'s dispatch lock held.
 *
 * @author pipe-io
 */
final class LineDelivery implements LineFramer.Sink {

	private final LineDispatcher dispatcher;

	private final LineHandler handler;

	private final ReplySink replySink;

	private final ChunkReplies replies;

	private final PipeServerListener listener;

	private final ChannelStatistics statistics;

	LineDelivery(LineDispatcher dispatcher, LineHandler handler, ReplySink replySink, ChunkReplies replies,
			PipeServerListener listener, ChannelStatistics statistics) {
		this.dispatcher = dispatcher;
		this.handler = handler;
		this.replySink = replySink;
		this.replies = replies;
		this.listener = listener;
		this.statistics = statistics;
	}

	@Override
	public void line(byte[] buffer, int offset, int length) {
		deliver(buffer, offset, length, false);
	}

	@Override
	public void ownedLine(byte[] line) {
		deliver(line, 0, line.length, true);
	}

	private void deliver(byte[] buffer, int offset, int length, boolean owned) {
		this.statistics.addReceived(length);
		try {
			if (owned) {
				this.handler.onOwnedLine(buffer, this.replySink);
			}
			else {
				this.handler.onLine(buffer, offset, length, this.replySink);
			}
		}
		catch (Throwable ex) {
			// Only what escaped the handler: it decides about its own failures. The
			// engine counts it once and guards its thread, which serves the next line.
			this.statistics.recordDropped(DropReason.HANDLER_ERROR);
			this.statistics.recordError(ex);
			this.listener.onHandlerError(this.dispatcher.server(), Arrays.copyOfRange(buffer, offset, offset + length),
					ex);
			if (ex instanceof InterruptedException && this.dispatcher.isClosed()) {
				// stop() gave up waiting: the rest of the chunk must not block the thread
				// again.
				Thread.currentThread().interrupt();
			}
		}
		this.replies.afterLine();
		if (!this.dispatcher.isClosed()) {
			// An interrupt left by the handler (or an InterruptedException it threw) is
			// not a stop: carried into the next read it would close the pipe under
			// attached clients.
			Thread.interrupted();
		}
	}

	@Override
	public void tooLarge(long size) {
		this.statistics.recordDropped(DropReason.TOO_LARGE);
		this.listener.onDropped(this.dispatcher.server(), DropReason.TOO_LARGE, size);
		try {
			this.handler.onTooLargeLine(size);
		}
		catch (RuntimeException ex) {
			this.statistics.recordError(ex);
		}
	}

	@Override
	public void incomplete(byte[] partial) {
		this.statistics.recordDropped(DropReason.INCOMPLETE);
		this.listener.onDropped(this.dispatcher.server(), DropReason.INCOMPLETE, partial.length);
		try {
			this.handler.onIncompleteLine(partial);
		}
		catch (RuntimeException ex) {
			this.statistics.recordError(ex);
		}
	}

}
