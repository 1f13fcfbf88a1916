package io.pipeio.core;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import io.pipeio.server.DropReason;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerState;
import org.jspecify.annotations.Nullable;

/**
 * Tells several {@link PipeServerListener}s, in order; one that throws does not keep the
 * others from being told.
 *
 * @author pipe-io
 */
public final class CompositePipeServerListener implements PipeServerListener {

	private final PipeServerListener[] listeners;

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
		tellEach((listener) -> listener.onStateChanged(server, previous, current, cause));
	}

	@Override
	public void onPausedChanged(PipeServer server, boolean paused) {
		tellEach((listener) -> listener.onPausedChanged(server, paused));
	}

	@Override
	public void onDropped(PipeServer server, DropReason reason, long size) {
		tellEach((listener) -> listener.onDropped(server, reason, size));
	}

	@Override
	public void onLineDropped(PipeServer server, DropReason reason, byte[] line) {
		tellEach((listener) -> listener.onLineDropped(server, reason, line));
	}

	@Override
	public void onHandlerError(PipeServer server, byte[] line, Throwable error) {
		tellEach((listener) -> listener.onHandlerError(server, line, error));
	}

	@Override
	public void onClientPresenceChanged(PipeServer server, boolean connected) {
		tellEach((listener) -> listener.onClientPresenceChanged(server, connected));
	}

	@Override
	public void onRemoved(PipeServer server) {
		tellEach((listener) -> listener.onRemoved(server));
	}

	@Override
	public void onPipeRecreated(PipeServer server, Path path) {
		tellEach((listener) -> listener.onPipeRecreated(server, path));
	}

	private void tellEach(Consumer<PipeServerListener> call) {
		for (PipeServerListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (RuntimeException ex) {
				// An observer must not break the channel or the other observers.
			}
		}
	}

}
