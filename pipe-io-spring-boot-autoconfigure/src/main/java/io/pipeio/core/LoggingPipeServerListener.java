package io.pipeio.core;

import java.nio.file.Path;

import io.pipeio.server.DataSizes;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerState;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Logs what an operator should know of a channel's engine: failures, re-created pipes and
 * lines dropped by the engine itself (over-size, unfinished, refused by a full send
 * queue; and those a stop, a failed writer or a replaced out pipe cost). Lines dropped
 * one by one are warned of at most 10 times in 10 seconds for each channel and reason (a
 * full send queue once), and at debug level beyond that: they are all counted.
 *
 * @author pipe-io
 */
public class LoggingPipeServerListener implements PipeServerListener {

	private static final Log logger = LogFactory.getLog(PipeChannel.class);

	/**
	 * With a drop overflow policy and no reader, lines may be dropped by the thousand per
	 * second, all for the same cause: one warning in each interval tells it.
	 */
	private final WarningBudget queueFullWarnings = new WarningBudget(1);

	/** A client may write bad lines as fast as it can. */
	private final WarningBudget badLineWarnings = new WarningBudget(WarningBudget.DEFAULT_WARNINGS);

	@Override
	public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
			@Nullable Throwable cause) {
		if (current == PipeServerState.FAILED) {
			logger.error("Channel '" + server.getChannel() + "' failed: " + cause);
		}
		else if (previous == PipeServerState.FAILED && current == PipeServerState.RUNNING) {
			logger.info("Channel '" + server.getChannel() + "' recovered");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Channel '" + server.getChannel() + "' is " + current);
		}
	}

	@Override
	public void onDropped(PipeServer server, DropReason reason, long size) {
		if (!logger.isWarnEnabled()) {
			return;
		}
		if (reason == DropReason.SHUTDOWN) {
			// Lines of either pipe: read and not handled (or held by a pause), or queued
			// and not written, by the end of the stop.
			logger.warn("Channel '" + server.getChannel() + "' dropped " + size + " line(s) as it stopped: not"
					+ " handled from " + server.getSettings().getInPath() + ", or not written to "
					+ server.getSettings().getOutPath() + ", in time (or held while paused); reason shutdown");
			return;
		}
		if (reason == DropReason.ABANDONED) {
			return; // the plug-in's channel logs what a departed plug-in left unread
		}
		// lines dropped together: size is their number
		Path out = server.getSettings().getOutPath();
		String lost = switch (reason) {
			case WRITER_FAILED -> "its writer held when it failed, not written to " + out;
			case PIPE_REPLACED -> "no client had read from " + out + " before it was deleted or replaced";
			case READER_FAILED -> "read from " + server.getSettings().getInPath()
					+ " and lost when its reader failed (the channel's failure tells why)";
			default -> null;
		};
		if (lost != null) {
			logger.warn("Channel '" + server.getChannel() + "' dropped " + size + " line(s) " + lost + "; reason "
					+ reason.tag());
			return;
		}
		String detail = switch (reason) {
			case TOO_LARGE ->
				" (max-message-size is " + DataSizes.format(server.getSettings().getMaxMessageSize()) + ")";
			case QUEUE_FULL -> " (no client reads " + server.getSettings().getOutPath() + " fast enough; overflow is "
					+ server.getSettings().getOverflow().value() + ")";
			case INCOMPLETE -> " (every client closed the in pipe before the line's newline)";
			default -> "";
		};
		WarningBudget budget = (reason == DropReason.QUEUE_FULL) ? this.queueFullWarnings : this.badLineWarnings;
		String budgetNote = budget.take(server.getChannel(), reason);
		if (budgetNote != null || logger.isDebugEnabled()) {
			String message = "Channel '" + server.getChannel() + "' dropped a line of " + size + " bytes: "
					+ reason.tag() + detail;
			if (budgetNote != null) {
				logger.warn(message + budgetNote);
			}
			else {
				logger.debug(message);
			}
		}
	}

	@Override
	public void onHandlerError(PipeServer server, byte[] line, Throwable error) {
		// A listener's failures are logged through the error handler; this is the channel
		// failing itself, which nothing else reports.
		logger.error("Channel '" + server.getChannel() + "' dropped a line of " + line.length
				+ " bytes: its handler failed (handler-error)", error);
	}

	@Override
	public void onClientPresenceChanged(PipeServer server, boolean connected) {
		if (logger.isDebugEnabled()) {
			logger.debug("Channel '" + server.getChannel() + "': "
					+ (connected ? "a client is writing" : "every client left"));
		}
	}

	@Override
	public void onPipeRecreated(PipeServer server, Path path, boolean created) {
		logger.warn("Channel '" + server.getChannel() + "': " + path + " was deleted or replaced; "
				+ (created ? "re-created and reopened it"
						: "serves the FIFO found there now, which it did not create" + " and will not remove"));
	}

}
