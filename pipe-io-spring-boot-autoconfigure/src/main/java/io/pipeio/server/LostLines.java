package io.pipeio.server;

import java.io.IOException;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where a writer hands the lines it still held when it ended, cut short by a stop
 * ({@link DropReason#SHUTDOWN}) or by its own failure ({@link DropReason#WRITER_FAILED}).
 * They are counted as dropped and each is given to
 * {@link PipeServerListener#onLineDropped}, as a line a full queue refused is, so that a
 * dead-letter file keeps them too; a sender waiting for one is told it was not written.
 *
 * @author pipe-io
 */
final class LostLines {

	private final PipeServer server;

	private final ChannelStatistics statistics;

	private final PipeServerListener listener;

	LostLines(PipeServer server, ChannelStatistics statistics, PipeServerListener listener) {
		this.server = server;
		this.statistics = statistics;
		this.listener = listener;
	}

	/**
	 * Account for lines a writer could not write.
	 * @param entries the lines as queued (a line, or one whose sender waits)
	 * @param reason why they are lost, or {@code null} if none should be there (a writer
	 * ending after its queue closed and drained)
	 * @param cause what their waiting senders are told
	 * @throws Error the first {@code Error} the listener threw, once every line was given
	 * to it and every sender told
	 */
	void drop(List<Object> entries, @Nullable DropReason reason, IOException cause) {
		Error error = null;
		if (reason != null && !entries.isEmpty()) {
			this.statistics.recordDropped(reason, entries.size());
			for (Object entry : entries) {
				// A listener must not throw; if one does, the other lines are still
				// reported and every sender is still told.
				try {
					this.listener.onLineDropped(this.server, reason, OutboundPipe.lineOf(entry));
				}
				catch (RuntimeException ex) {
					// the listener's own fault, which only it can report
				}
				catch (Error ex) {
					// Out of memory, a stack overflow: not to be hidden, so passed on,
					// but only once every line is accounted for.
					error = (error != null) ? error : ex;
				}
			}
		}
		OutboundPipe.failAll(entries, cause);
		if (error != null) {
			throw error;
		}
	}

}
