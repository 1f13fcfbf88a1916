package io.pipeio.core;

import java.nio.file.Path;
import java.util.List;

import io.pipeio.server.DropReason;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerState;
import org.jspecify.annotations.Nullable;

/**
 * Tells several {@link PipeServerListener}s, in order; one that throws does not keep the others
 * from being told.
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
		for (PipeServerListener listener : this.listeners) {
			try {
				listener.onStateChanged(server, previous, current, cause);
			}
			catch (RuntimeException ex) {
				// An observer must not break the channel or the other observers.
			}
		}
	}

	@Override
	public void onDropped(PipeServer server, DropReason reason, long size) {
		for (PipeServerListener listener : this.listeners) {
			try {
				listener.onDropped(server, reason, size);
			}
			catch (RuntimeException ex) {
				// An observer must not break the channel or the other observers.
			}
		}
	}

	@Override
	public void onHandlerError(PipeServer server, byte[] line, Throwable error) {
		for (PipeServerListener listener : this.listeners) {
			try {
				listener.onHandlerError(server, line, error);
			}
			catch (RuntimeException ex) {
				// An observer must not break the channel or the other observers.
			}
		}
	}

	@Override
	public void onPipeRecreated(PipeServer server, Path path) {
		for (PipeServerListener listener : this.listeners) {
			try {
				listener.onPipeRecreated(server, path);
			}
			catch (RuntimeException ex) {
				// An observer must not break the channel or the other observers.
			}
		}
	}

}
