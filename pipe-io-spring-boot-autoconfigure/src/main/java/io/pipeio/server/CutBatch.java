package io.pipeio.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * How a writer that ends accounts for the batch it was writing, which a stop or its own
 * failure may have cut, and for what is still queued: the lines the pipe took whole are
 * its readers', so they are counted as sent and their senders told they were written; the
 * rest of the batch and the queue's lines are lost ({@link LostLines}). Both engines'
 * writers end through here, each telling how many lines its pipe took whole, so that
 * every line is counted once, as sent or as dropped, for the same reason and with the
 * same words to its sender on either engine.
 *
 * @author pipe-io
 */
final class CutBatch {

	private CutBatch() {
	}

	/**
	 * Account for the batch a writer held when it ended, and empty the queue.
	 * <p>
	 * The lines not taken whole are accounted for even if completing the futures of the
	 * taken ones throws, which is then passed on (a {@code CompletableFuture} keeps what
	 * its callbacks throw, so this is not expected).
	 * @param batch the lines of the batch, as queued; left as they are
	 * @param whole how many of its first lines the pipe took whole (more than the batch
	 * holds means all of them)
	 * @param reason why the rest is lost, or {@code null} if nothing should be left (a
	 * writer that ended after its queue closed and drained)
	 * @param queue the queue the batch came from, told of the written lines and emptied
	 * @param statistics counts the written lines as sent
	 * @param lostLines takes the lines lost
	 */
	static void account(List<Object> batch, int whole, @Nullable DropReason reason, SendQueue queue,
			ChannelStatistics statistics, LostLines lostLines) {
		int written = Math.min(whole, batch.size());
		List<Object> lost = new ArrayList<>(batch.subList(written, batch.size()));
		try {
			if (written > 0) {
				sent(batch.subList(0, written), queue, statistics);
			}
		}
		finally {
			lost.addAll(queue.clear());
			lostLines.drop(lost, reason, new IOException((reason == DropReason.WRITER_FAILED)
					? "Not written: the writer of the out pipe failed" : "Not written: the channel stopped first"));
		}
	}

	private static void sent(List<Object> lines, SendQueue queue, ChannelStatistics statistics) {
		long bytes = 0;
		for (Object entry : lines) {
			bytes += QueuedLines.lineOf(entry).length;
		}
		statistics.addSent(lines.size(), bytes);
		queue.completeWritten(lines);
	}

}
