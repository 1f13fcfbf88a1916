package io.pipeio.server;

import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Makes whatever a server's listener throws a failure of the listener to the engine: a
 * checked exception that it did not declare (a Kotlin listener, a sneaky throw) reaches
 * the engine as an {@link UndeclaredThrowableException}, which it handles as any
 * {@link RuntimeException} of a listener. Unwrapped, it would pass the catches meant for
 * a listener's failures: an {@link java.io.IOException} would be taken for a failed read
 * of the pipe, and its chunk lost uncounted; another one would end the reader thread, the
 * shared event loop or the shared watchdog.
 *
 * @author pipe-io
 */
final class ListenerGuard implements PipeServerListener {

	private final PipeServerListener listener;

	private ListenerGuard(PipeServerListener listener) {
		this.listener = listener;
	}

	static PipeServerListener guard(PipeServerListener listener) {
		return (listener instanceof ListenerGuard) ? listener : new ListenerGuard(listener);
	}

	@Override
	public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
			@Nullable Throwable cause) {
		call(() -> this.listener.onStateChanged(server, previous, current, cause));
	}

	@Override
	public void onPausedChanged(PipeServer server, boolean paused) {
		call(() -> this.listener.onPausedChanged(server, paused));
	}

	@Override
	public void onDropped(PipeServer server, DropReason reason, long size) {
		call(() -> this.listener.onDropped(server, reason, size));
	}

	@Override
	public void onLineDropped(PipeServer server, DropReason reason, byte[] line) {
		call(() -> this.listener.onLineDropped(server, reason, line));
	}

	@Override
	public void onHandlerError(PipeServer server, byte[] line, Throwable error) {
		call(() -> this.listener.onHandlerError(server, line, error));
	}

	@Override
	public void onClientPresenceChanged(PipeServer server, boolean connected) {
		call(() -> this.listener.onClientPresenceChanged(server, connected));
	}

	@Override
	public void onRemoved(PipeServer server) {
		call(() -> this.listener.onRemoved(server));
	}

	@Override
	public void onPipeRecreated(PipeServer server, Path path) {
		call(() -> this.listener.onPipeRecreated(server, path));
	}

	@Override
	public void onPipeRecreated(PipeServer server, Path path, boolean created) {
		call(() -> this.listener.onPipeRecreated(server, path, created));
	}

	private void call(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new UndeclaredThrowableException(ex,
					this.listener.getClass().getName() + " threw a checked exception it does not declare: " + ex);
		}
	}

	@Override
	public String toString() {
		return this.listener.toString();
	}

}
