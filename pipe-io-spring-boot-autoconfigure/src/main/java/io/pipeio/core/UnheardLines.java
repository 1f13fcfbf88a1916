package io.pipeio.core;

import java.nio.file.Path;

import io.pipeio.server.DropReason;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The lines that arrive on a channel with no listener: each is counted as dropped (reason
 * {@code no-listener}) and the first one is logged as a warning. A channel that only
 * sends is fine, so nothing is said at startup; a line that arrives there anyway is worth
 * a warning, once.
 *
 * @author pipe-io
 */
final class UnheardLines {

	private static final Log logger = LogFactory.getLog(PipeChannel.class);

	private final String channel;

	private final Path inPipe;

	private final ListenerStatistics statistics;

	/** Written by the channel's reader thread only. */
	private volatile boolean warned;

	UnheardLines(String channel, Path inPipe, ListenerStatistics statistics) {
		this.channel = channel;
		this.inPipe = inPipe;
		this.statistics = statistics;
	}

	/**
	 * Count a line that arrived with no listener attached, and warn if it is the first.
	 */
	void drop() {
		this.statistics.dropped(DropReason.NO_LISTENER);
		if (!this.warned) {
			this.warned = true;
			logger.warn("Channel '" + this.channel + "' has no @PipeListener, but a line arrived on its in pipe "
					+ this.inPipe + " and was dropped (" + this.statistics.getDropped(DropReason.NO_LISTENER)
					+ " dropped so far). Further lines are dropped and counted without a warning (metric"
					+ " pipeio.messages.dropped, reason no-listener); add a @PipeListener(\"" + this.channel
					+ "\") or stop writing to this channel.");
		}
	}

}
