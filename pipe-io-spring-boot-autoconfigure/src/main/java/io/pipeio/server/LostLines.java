package io.pipeio.server;

import java.io.IOException;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Where a writer hands the lines it still held when it ended, cut short by a stop
 * ({@link DropReason#SHUTDOWN}) or by its own failure ({@link DropReason#WRITER_FAILED}).
 * They are counted as dropped and each is given to
 * {@link PipeServerListener#onLineDropped}, as a line a full queue refused is, so that a
 * dead-letter file keeps them too; a sender waiting for one is told it was not written. A
 * listener that throws for them is logged, once for the lines dropped together.
 *
 * @author pipe-io
 */
final class LostLines {

	private static final Log logger = LogFactory.getLog(PipeServer.class);

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
	 * <p>
	 * The first {@code Error} the listener threw, carrying what counting them threw (an
	 * action told of the first line dropped for a reason, see
	 * {@link ChannelStatistics#forEachDropReason}) as suppressed, or else what counting
	 * threw, is thrown on once every line was given to the listener and every sender
	 * told.
	 * @param entries the lines as queued (a line, or one whose sender waits)
	 * @param reason why they are lost, or {@code null} if none should be there (a writer
	 * ending after its queue closed and drained)
	 * @param cause what their waiting senders are told
	 */
	void drop(List<Object> entries, @Nullable DropReason reason, IOException cause) {
		Throwable failure = null;
		RuntimeException exception = null;
		int failed = 0;
		if (reason != null && !entries.isEmpty()) {
			try {
				this.statistics.recordDropped(reason, entries.size());
			}
			catch (RuntimeException | Error ex) {
				// The lines are counted before the actions are told: they are still to be
				// given and their senders told.
				failure = ex;
			}
			try {
				this.listener.onDropped(this.server, reason, entries.size());
			}
			catch (RuntimeException ex) {
				// the lines are counted and still to be given one by one below
				logger.warn("Channel '" + this.server.getChannel() + "': the PipeServerListener threw when told of "
						+ entries.size() + " line(s) dropped (" + reason.tag() + ")", ex);
			}
			catch (Error ex) {
				failure = (failure != null) ? failure : ex;
			}
			for (Object entry : entries) {
				// A listener must not throw; if one does, the other lines are still
				// reported and every sender is still told.
				try {
					this.listener.onLineDropped(this.server, reason, QueuedLines.lineOf(entry));
				}
				catch (RuntimeException ex) {
					// The listener's fault, but a line it was to keep may be lost with
					// it: logged below, once for all the lines rather than once a line.
					exception = (exception != null) ? exception : ex;
					failed++;
				}
				catch (Error ex) {
					// Out of memory, a stack overflow: not to be hidden, so passed on,
					// but only once every line is accounted for; it goes before what
					// counting threw, which it carries.
					if (failure == null) {
						failure = ex;
					}
					else if (!(failure instanceof Error) && failure != ex) {
						ex.addSuppressed(failure);
						failure = ex;
					}
				}
			}
		}
		QueuedLines.failAll(entries, cause);
		if (exception != null && reason != null) {
			logger.warn("Channel '" + this.server.getChannel() + "': the PipeServerListener threw for " + failed
					+ " of " + entries.size() + " line(s) dropped (" + reason.tag()
					+ "); each was counted and its sender told, but it may not have been kept", exception);
		}
		if (failure instanceof Error error) {
			throw error;
		}
		if (failure != null) {
			throw (RuntimeException) failure;
		}
	}

	/**
	 * Account for lines lost in the out pipe itself, which the writer no longer holds:
	 * left unread there as the channel stops, or in a pipe deleted or replaced. Counted
	 * and told to the listener as a number of lines.
	 * @param reason why they are lost
	 * @param lines how many; none is nothing
	 */
	void unread(DropReason reason, long lines) {
		if (lines <= 0) {
			return;
		}
		this.statistics.recordDropped(reason, lines);
		try {
			this.listener.onDropped(this.server, reason, lines);
		}
		catch (RuntimeException ex) {
			logger.warn("Channel '" + this.server.getChannel() + "': the PipeServerListener threw for " + lines
					+ " line(s) dropped (" + reason.tag() + "); they were counted", ex);
		}
	}

}
