package io.pipeio.server;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Callbacks through which metrics, health and applications observe a {@link PipeServer}
 * without the engine knowing about them. Every method has an empty default;
 * implementations must be quick and must not throw. What one throws all the same, a
 * checked exception it does not declare (as Kotlin code may) included, the engine takes
 * for a failure of the listener, as it takes a {@link RuntimeException}.
 *
 * @author pipe-io
 */
public interface PipeServerListener {

	/**
	 * The server changed state. Changes are told in the order they were made, with no
	 * lock of the server held: a start's or a stop's on the thread that called it, once
	 * the changes before it are told; others on the thread that made them, or, if another
	 * thread is telling an earlier one, on that thread after it. A listener that blocks
	 * holds up the thread it is told on and the changes after it, not a
	 * {@link PipeServer#stop(java.time.Duration) stop}, which returns within its timeout
	 * and leaves its changes to be told once the listener returned.
	 * {@link #onPipeRecreated(PipeServer, Path, boolean) Re-created pipes} are told the
	 * same way, in order with the changes.
	 * @param server the server
	 * @param previous the state before
	 * @param current the state now
	 * @param cause the failure behind a change to {@link PipeServerState#FAILED},
	 * otherwise {@code null}
	 */
	default void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
			@Nullable Throwable cause) {
	}

	/**
	 * The server was paused or resumed.
	 * @param server the server
	 * @param paused whether it is paused now
	 */
	default void onPausedChanged(PipeServer server, boolean paused) {
	}

	/**
	 * A line was dropped by the engine.
	 * @param server the server
	 * @param reason why
	 * @param size the size of the line in bytes (for an over-size line, the bytes
	 * discarded); for lines dropped together ({@link DropReason#SHUTDOWN},
	 * {@link DropReason#WRITER_FAILED}, {@link DropReason#PIPE_REPLACED},
	 * {@link DropReason#ABANDONED}, {@link DropReason#READER_FAILED}), their number
	 */
	default void onDropped(PipeServer server, DropReason reason, long size) {
	}

	/**
	 * Called for an outgoing line that the engine held when it dropped it, so that it can
	 * be kept somewhere else: after {@link #onDropped} for a line a full send queue
	 * refused ({@link DropReason#QUEUE_FULL}), and for each line still queued or being
	 * written when the channel stopped before writing it ({@link DropReason#SHUTDOWN}) or
	 * its writer failed ({@link DropReason#WRITER_FAILED}).
	 * @param server the server
	 * @param reason why it was dropped
	 * @param line the line without its newline; not to be modified
	 */
	default void onLineDropped(PipeServer server, DropReason reason, byte[] line) {
	}

	/**
	 * The {@link LineHandler} threw an exception, counted as
	 * {@link DropReason#HANDLER_ERROR}; the channel goes on with the next line. A handler
	 * that handles its own failures, such as a channel's, throws only if it failed
	 * itself.
	 * @param server the server
	 * @param line a copy of the line the handler failed on
	 * @param error the exception
	 */
	default void onHandlerError(PipeServer server, byte[] line, Throwable error) {
	}

	/**
	 * A client started writing to the in pipe, or the last client closed it. Only writing
	 * is seen: a client that opened the pipe and wrote nothing yet does not count.
	 * @param server the server
	 * @param connected whether a client is connected now
	 */
	default void onClientPresenceChanged(PipeServer server, boolean connected) {
	}

	/**
	 * The server's channel was removed for good by the layer that owns it (such as
	 * {@code PipeChannelRegistry.unregister}), after its last stop: observers let go of
	 * it and of what they keep for it (meters, for instance), so that a channel of the
	 * same name added later starts afresh.
	 * @param server the server
	 */
	default void onRemoved(PipeServer server) {
	}

	/**
	 * A pipe was deleted or replaced while running and the server serves its path again:
	 * a FIFO it created (a managed pipe), or one that was put there meanwhile.
	 * @param server the server
	 * @param path the pipe's path
	 */
	default void onPipeRecreated(PipeServer server, Path path) {
	}

	/**
	 * A pipe was deleted or replaced while running and the server serves its path again,
	 * saying whose FIFO it serves now. Calls {@link #onPipeRecreated(PipeServer, Path)}
	 * unless overridden.
	 * @param server the server
	 * @param path the pipe's path
	 * @param created whether the server created the FIFO ({@code false}: it serves one
	 * that was put at the path meanwhile, and never removes it)
	 */
	default void onPipeRecreated(PipeServer server, Path path, boolean created) {
		onPipeRecreated(server, path);
	}

}
