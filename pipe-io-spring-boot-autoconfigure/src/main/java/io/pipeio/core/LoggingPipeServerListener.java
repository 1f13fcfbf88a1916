package io.pipeio.core;

import java.nio.file.Path;

import io.pipeio.server.DropReason;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerState;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Logs what an operator should know of a channel's engine: failures, re-created pipes and lines
 * dropped by the engine itself (over-size, full send queue).
 *
 * @author pipe-io
 */
public class LoggingPipeServerListener implements PipeServerListener {

	private static final Log logger = LogFactory.getLog(PipeChannel.class);

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
		if (logger.isWarnEnabled()) {
			String limit = (reason == DropReason.TOO_LARGE)
					? " (max-message-size is " + server.getSettings().getMaxMessageSize() + " bytes)" : "";
			logger.warn("Channel '" + server.getChannel() + "' dropped a line of " + size + " bytes: "
					+ reason.tag() + limit);
		}
	}

	@Override
	public void onPipeRecreated(PipeServer server, Path path) {
		logger.warn("Channel '" + server.getChannel() + "': " + path
				+ " was deleted or replaced; re-created and reopened it");
	}

}
