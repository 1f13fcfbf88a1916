package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The readers of a running channel's <em>in</em> pipe: the current one, and those
 * retired: a reader of a pipe deleted or replaced on disk, which reads on what clients
 * still attached to the old pipe write, and a reader whose thread died, until the next
 * repair lets go of it. Holding them back, resuming them, setting a mark and replacing a
 * reader happen here together, because a mark must stay in the stream of the reader that
 * reads its bytes, whichever reader that becomes.
 *
 * @author pipe-io
 */
final class InPipeReaders {

	private final PipeServerSettings settings;

	private final PipeTransport transport;

	private final LineDispatcher dispatcher;

	private final Consumer<Throwable> onFailure;

	/**
	 * Changed by the watchdog's repair, walked by pause, resume and marks on other
	 * threads.
	 */
	private final List<PipeReader> retired = new CopyOnWriteArrayList<>();

	private volatile PipeReader current;

	/**
	 * Held to replace the current reader and to set a mark in it: a mark set in the
	 * reader being replaced is pending there before {@link #handOverMarks} looks for it.
	 */
	private final Object swap = new Object();

	private @Nullable PipeFile created;

	/**
	 * Open the first reader.
	 * @param settings the channel's settings
	 * @param transport opens readers for the channel's engine
	 * @param in the pipe
	 * @param dispatcher hands what the readers read to the handler
	 * @param onFailure told of a failure that fails the channel
	 */
	InPipeReaders(PipeServerSettings settings, PipeTransport transport, UsableFifo in, LineDispatcher dispatcher,
			Consumer<Throwable> onFailure) throws IOException {
		this.settings = settings;
		this.transport = transport;
		this.dispatcher = dispatcher;
		this.onFailure = onFailure;
		this.current = transport.openReader(in.fifo(), in.created(), settings, dispatcher, this::readerFailed);
		this.created = in.owned();
	}

	/**
	 * Let go of retired readers that ended, and reopen the pipe if it was deleted or
	 * replaced on disk, or if the current reader's thread died.
	 * @param paths whether to look at the pipe's path too (a system call), not only at
	 * the reader
	 * @param recreated told of the path if it was deleted or replaced and is served
	 * again, and whether this server created the FIFO it serves now
	 * @throws IOException if the pipe cannot be reopened now
	 */
	void repair(boolean paths, BiConsumer<Path, Boolean> recreated) throws IOException {
		for (PipeReader pipe : this.retired) {
			if (!pipe.isAlive()) {
				this.retired.remove(pipe);
				handOverMarks(pipe, null);
			}
		}
		boolean moved = paths && !this.current.file().isStillThere();
		boolean died = !this.current.isAlive();
		if (!moved && !died) {
			return;
		}
		PipeFile in = moved ? PipeFile.inspect(this.settings.getInPath()) : this.current.file();
		UsableFifo usable = moved ? UsableFifo.replacing(this.settings, in, "in")
				: new UsableFifo(PipeFiles.open(this.settings.getChannel(), "in", in), false);
		synchronized (this.swap) {
			// A mark of a reader that died moves to its replacement on the same pipe,
			// which must take no byte before it is there: reading is held until then.
			boolean hold = died && !moved;
			if (hold) {
				this.dispatcher.setHeld(true);
			}
			try {
				replace(usable, moved, died);
			}
			finally {
				if (hold) {
					this.dispatcher.setHeld(false);
				}
				// The replacement, if it found reading held (by the hold above, or a
				// pause), was not among the readers a resume told.
				resume();
			}
		}
		if (moved) {
			recreated.accept(in.path(), usable.created());
		}
	}

	/**
	 * Open a reader on a pipe and make it the current one; called under {@link #swap}.
	 * @param usable the pipe
	 * @param moved whether the pipe was deleted or replaced on disk
	 * @param died whether the current reader's thread died
	 */
	private void replace(UsableFifo usable, boolean moved, boolean died) throws IOException {
		PipeReader replacement;
		try {
			// The pipe of a reader that died is the current one: removed at the stop
			// if this server created it.
			boolean removedAtStop = moved ? usable.created() : this.created != null;
			replacement = this.transport.openReader(usable.fifo(), removedAtStop, this.settings, this.dispatcher,
					this::readerFailed);
		}
		catch (IOException | RuntimeException ex) {
			usable.discard();
			throw ex;
		}
		if (moved) {
			this.created = usable.owned();
		}
		PipeReader replaced = this.current;
		replaced.retire();
		this.retired.add(replaced);
		this.current = replacement;
		if (died) {
			// What it took and did not handle is lost, what is still in the pipe is the
			// new reader's: its marks move there, or are reached now if nobody reads that
			// pipe any more, rather than wait for a reader that is gone.
			handOverMarks(replaced, moved ? null : replacement);
		}
	}

	/**
	 * @param in a FIFO found at the in pipe's path
	 * @return whether it is the very FIFO read now
	 */
	boolean serves(PipeFile in) {
		return this.current.file().isSameFile(in);
	}

	/**
	 * A reader failed. A retired reader failing to read its replaced pipe concerns only
	 * the clients still attached to it; anything else unexpected fails the channel,
	 * whichever reader it hit.
	 */
	private void readerFailed(PipeReader pipe, Throwable ex) {
		if (pipe == this.current || !(ex instanceof IOException)) {
			this.onFailure.accept(ex);
		}
	}

	/**
	 * Pause: make sure no reader takes more bytes from its pipe.
	 */
	void holdBack() {
		this.current.holdBack();
		this.retired.forEach(PipeReader::holdBack);
	}

	/**
	 * Resume: readers that left their pipes alone while paused read again.
	 */
	void resume() {
		this.current.resume();
		this.retired.forEach(PipeReader::resume);
	}

	/**
	 * Set a mark at the end of what the in pipe holds now (see {@link InputFence}). Its
	 * reader is held back for the moment this takes, unless a pause holds it already, so
	 * that no byte is between the pipe and the count of bytes taken; every reader reads
	 * again afterwards. Called under the server's pause lock.
	 * @param reached run once the reader reaches the mark
	 * @return the mark
	 * @throws IOException if the pipe cannot be asked what it holds
	 */
	InputFence fence(Runnable reached) throws IOException {
		synchronized (this.swap) {
			PipeReader reader = this.current;
			if (!reader.isAlive()) {
				// Its descriptor is closed: what the pipe holds cannot be told from it,
				// and a mark that took the pipe for empty would come before lines written
				// before it.
				throw new IOException("The reader of the in pipe of channel '" + this.settings.getChannel()
						+ "' ended and is being replaced; no mark can be set in the pipe until it is");
			}
			boolean hold = !this.dispatcher.isPaused();
			if (hold) {
				this.dispatcher.setHeld(true);
				reader.holdBack();
			}
			try {
				return reader.fence(reached);
			}
			finally {
				if (hold) {
					this.dispatcher.setHeld(false);
					// Every reader: a retired one that tried to read meanwhile found
					// reading held too, and waits to be resumed.
					resume();
				}
			}
		}
	}

	/**
	 * A reader's thread died, or a retired reader ended: a mark set in its stream and not
	 * reached must not wait for it. See {@link LineDispatcher#handOverFences}.
	 * @param ended the reader
	 * @param successor the reader that reads its pipe on, or {@code null} if nobody does
	 */
	private void handOverMarks(PipeReader ended, @Nullable PipeReader successor) {
		InputFence moved = this.dispatcher.handOverFences(ended.framer(), ended.taken(),
				(successor != null) ? successor.framer() : null);
		if (moved != null) {
			// reached now if the successor handled every byte before it already
			this.dispatcher.reachIfHandled(moved);
		}
	}

	/** Stop: every reader drains what its pipe holds and ends. */
	void close() {
		this.current.close();
		this.retired.forEach(PipeReader::close);
	}

	/** Stop, when draining takes too long: every reader's handler is interrupted. */
	void interrupt() {
		this.current.interrupt();
		this.retired.forEach(PipeReader::interrupt);
	}

	/**
	 * Wait for every reader to end.
	 * @param millis how long to wait for all of them
	 * @return whether they all ended
	 */
	boolean join(long millis) throws InterruptedException {
		long deadline = System.nanoTime() + millis * 1_000_000;
		boolean ended = this.current.join(millis);
		for (PipeReader pipe : this.retired) {
			ended &= pipe.join(Math.max(1, ChannelPipes.remainingMillis(deadline)));
		}
		return ended;
	}

	/** Stop, when a reader does not end: it is left behind (and renamed so). */
	void abandon() {
		this.current.abandon();
		this.retired.forEach(PipeReader::abandon);
	}

	/**
	 * @return the in pipe, if this server created it: removed at the end
	 */
	@Nullable PipeFile created() {
		return this.created;
	}

}
