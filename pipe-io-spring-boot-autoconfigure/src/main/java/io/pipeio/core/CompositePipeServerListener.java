package io.pipeio.core;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.pipeio.server.DropReason;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerState;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Tells several {@link PipeServerListener}s, in order; one that throws does not keep the
 * others from being told, and its failure is logged.
 *
 * @author pipe-io
 */
public final class CompositePipeServerListener implements PipeServerListener {

	private static final Log logger = LogFactory.getLog(CompositePipeServerListener.class);

	private final PipeServerListener[] listeners;

	/** The listeners and their events that failed once already: logged at DEBUG now. */
	private final Set<Failure> failed = ConcurrentHashMap.newKeySet();

	/**
	 * Create a composite.
	 * @param listeners the listeners
	 */
	public CompositePipeServerListener(List<? extends PipeServerListener> listeners) {
		this.listeners = listeners.toArray(new PipeServerListener[0]);
	}

	@Override
	public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
			@Nullable Throwable cause) {
		tellEach(server, "onStateChanged", (listener) -> listener.onStateChanged(server, previous, current, cause));
	}

	@Override
	public void onPausedChanged(PipeServer server, boolean paused) {
		tellEach(server, "onPausedChanged", (listener) -> listener.onPausedChanged(server, paused));
	}

	@Override
	public void onDropped(PipeServer server, DropReason reason, long size) {
		tellEach(server, "onDropped", (listener) -> listener.onDropped(server, reason, size));
	}

	@Override
	public void onLineDropped(PipeServer server, DropReason reason, byte[] line) {
		tellEach(server, "onLineDropped", (listener) -> listener.onLineDropped(server, reason, line));
	}

	@Override
	public void onHandlerError(PipeServer server, byte[] line, Throwable error) {
		tellEach(server, "onHandlerError", (listener) -> listener.onHandlerError(server, line, error));
	}

	@Override
	public void onClientPresenceChanged(PipeServer server, boolean connected) {
		tellEach(server, "onClientPresenceChanged", (listener) -> listener.onClientPresenceChanged(server, connected));
	}

	@Override
	public void onRemoved(PipeServer server) {
		tellEach(server, "onRemoved", (listener) -> listener.onRemoved(server));
	}

	@Override
	public void onPipeRecreated(PipeServer server, Path path) {
		tellEach(server, "onPipeRecreated", (listener) -> listener.onPipeRecreated(server, path));
	}

	@Override
	public void onPipeRecreated(PipeServer server, Path path, boolean created) {
		tellEach(server, "onPipeRecreated", (listener) -> listener.onPipeRecreated(server, path, created));
	}

	private void tellEach(PipeServer server, String event, Consumer<PipeServerListener> call) {
		for (PipeServerListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (Exception ex) {
				// A checked one too, that it did not declare (a Kotlin listener). An
				// observer must not break the channel or the other observers, but its
				// failure must not go unseen: one that keeps a dropped line may have lost
				// it.
				reportFailure(listener, server, event, ex);
			}
		}
	}

	/**
	 * Log a listener's failure: the first of each listener and event at WARN, with the
	 * exception, the later ones at DEBUG, so that a listener failing for every line does
	 * not flood the log. Per event, not per listener: the application's event listeners
	 * are all behind one of these ({@code PipeChannelEventPublisher}), and one failing on
	 * client presence must not hide another failing when a channel fails.
	 */
	private void reportFailure(PipeServerListener listener, PipeServer server, String event, Exception ex) {
		String message = listener.getClass().getName() + " threw from " + event + " for channel '" + server.getChannel()
				+ "'";
		if (this.failed.add(new Failure(listener, event))) {
			logger.warn(message + "; it is still told of later events, and its later failures there are logged at"
					+ " DEBUG", ex);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message, ex);
		}
	}

	private record Failure(PipeServerListener listener, String event) {

	}

}
