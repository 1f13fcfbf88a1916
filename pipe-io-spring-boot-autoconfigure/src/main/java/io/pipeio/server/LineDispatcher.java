package io.pipeio.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * Hands framed lines to the {@link LineHandler}, one chunk at a time under a lock so the
 * handler is never called concurrently (a replaced in pipe is drained by a second reader
 * for a while), and holds chunks back while the channel is paused. Each line is counted
 * before its handler runs, so a reply can never reach a client ahead of the count of its
 * request ({@link LineDelivery}). The handler is given the {@link ReplySink} with each
 * line; the chunk's replies go to the writer as {@link ChunkReplies} decides. A mark set
 * at the end of what the pipe holds is reached between the lines before and after it
 * ({@link InputFences}).
 * <p>
 * Pausing and closing use a lock of their own: they must never wait for a handler that is
 * still running (a slow handler would otherwise block {@code stop()} and
 * {@code pause()}).
 *
 * @author pipe-io
 */
final class LineDispatcher {

	/**
	 * How long {@link #reachIfHandled} waits for the dispatch lock: a chunk that ends
	 * takes microseconds, and one whose handler is slow reaches the mark itself.
	 */
	private static final long REACH_WAIT_MILLIS = 50;

	private final PipeServer server;

	private final LineSender sender;

	private final LineHandler handler;

	private final PipeServerListener listener;

	private final ChannelStatistics statistics;

	/** Held while the handler runs: serialises the readers of a channel. */
	private final DispatchLock dispatchLock = new DispatchLock();

	/** Guards only the pause condition, never held across a handler call. */
	private final ReentrantLock pauseLock = new ReentrantLock();

	private final Condition resumed = this.pauseLock.newCondition();

	private volatile boolean paused;

	private volatile boolean closed;

	/** Moves on with every start: a reader of an earlier run drains no more. */
	private volatile int generation;

	private volatile @Nullable Thread abandoned;

	/** How many times every writer left; written under the dispatch lock. */
	private volatile long departures;

	/** Whether the channel has a client, whichever of its in pipes it writes to. */
	private final ClientPresence presence;

	/**
	 * Readers take no bytes from their pipe for a moment, while a mark is set at its end;
	 * not a pause, which listeners are told of: a chunk read before waits only for that
	 * moment.
	 */
	private volatile boolean held;

	/** Marks set in the current pipe, reached under the dispatch lock. */
	private final InputFences fences = new InputFences();

	private final ChunkReplies replies;

	private final LineDelivery delivery;

	LineDispatcher(PipeServer server, LineSender sender, LineHandler handler, PipeServerListener listener,
			ChannelStatistics statistics) {
		this.server = server;
		this.sender = sender;
		this.handler = handler;
		this.listener = listener;
		this.statistics = statistics;
		this.presence = new ClientPresence(server, listener, statistics);
		this.replies = sender.chunkReplies();
		this.delivery = new LineDelivery(this, handler, sender.replySink(), this.replies, listener, statistics);
	}

	/**
	 * Frame and dispatch one chunk read from a pipe, first waiting while paused.
	 * @param framer the framer of the pipe the chunk came from
	 * @param chunk the bytes
	 * @param length how many bytes of {@code chunk} were read
	 * @return {@code false} if the dispatcher was closed while waiting and the chunk was
	 * not handled
	 * @throws InterruptedException if interrupted while paused or waiting for the other
	 * reader
	 */
	boolean dispatch(LineFramer framer, byte[] chunk, int length) throws InterruptedException {
		while (awaitNotPaused()) {
			this.dispatchLock.lockInterruptibly();
			try {
				if (this.closed) {
					return false;
				}
				if (this.paused) {
					continue; // paused while waiting for the lock: wait again, outside it
				}
				handle(framer, chunk, length);
				return true;
			}
			finally {
				this.dispatchLock.unlock();
			}
		}
		return false;
	}

	/**
	 * Frame and dispatch one chunk if that needs no waiting: for the event loop thread,
	 * which must never block on a pause or on another reader's chunk. A chunk read just
	 * before a pause is still delivered, as by a reader that was already dispatching it.
	 * @param framer the framer of the pipe the chunk came from
	 * @param chunk the bytes
	 * @param length how many bytes of {@code chunk} were read
	 * @return whether the chunk was handled; if not, it is to be handed to
	 * {@link #dispatch} on a thread that may wait
	 */
	boolean dispatchNow(LineFramer framer, byte[] chunk, int length) {
		if (!this.dispatchLock.tryLock()) {
			return false;
		}
		try {
			if (this.closed || this.paused) {
				// paused since the read: the chunk waits, on a thread that may wait
				return false;
			}
			handle(framer, chunk, length);
			return true;
		}
		finally {
			this.dispatchLock.unlock();
		}
	}

	private void handle(LineFramer framer, byte[] chunk, int length) {
		this.replies.begin(this.sender.queue(), this.handler);
		try {
			this.fences.feed(framer, chunk, length);
		}
		finally {
			try {
				this.handler.onChunkEnd();
			}
			finally {
				try {
					this.replies.end();
				}
				finally {
					// A mark set while the chunk's end waited (for room for its replies)
					// is passed now, with no more bytes to come that would reach it.
					this.fences.reachIfPassed(framer);
				}
			}
		}
	}

	/**
	 * Set a mark in a framer's stream; see {@link InputFence}. The reader reaches it
	 * before the first byte after it, or at the next end of the stream; see
	 * {@link #reachIfHandled} for a mark with nothing before it still to handle.
	 * @param framer the framer of the current pipe
	 * @param position how many bytes of its stream come before the mark
	 * @param reached run once the mark is reached
	 * @return the mark
	 */
	InputFence fence(LineFramer framer, long position, Runnable reached) {
		return this.fences.add(framer, position, reached);
	}

	/**
	 * A reader ended without reaching a mark set in its stream; see
	 * {@link InputFences#handOver}.
	 * @param ended the framer of the reader that ended
	 * @param taken how many bytes that reader took from its pipe
	 * @param successor the framer of the reader that reads the pipe on, or {@code null}
	 * @return the mark moved to the successor, for {@link #reachIfHandled}, or
	 * {@code null}
	 */
	@Nullable InputFence handOverFences(LineFramer ended, long taken, @Nullable LineFramer successor) {
		return this.fences.handOver(ended, taken, successor);
	}

	/**
	 * Reach a mark now if every byte before it was handled, rather than when the next
	 * bytes come. A chunk being handled reaches it as it ends; this waits a moment for
	 * one that is ending, never for a handler that takes its time.
	 * @param fence the mark
	 */
	void reachIfHandled(InputFence fence) {
		// Not on the thread handling a chunk: the framer is in the middle of it.
		if (fence.isReached() || this.dispatchLock.isHeldByCurrentThread()) {
			return;
		}
		try {
			if (this.dispatchLock.tryLock(REACH_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
				try {
					this.fences.reachIfPassed(fence);
				}
				finally {
					this.dispatchLock.unlock();
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Wait while paused; called by a reader before it reads so paused lines stay in the
	 * pipe.
	 * @return {@code false} if closed
	 * @throws InterruptedException if interrupted while paused
	 */
	boolean awaitNotPaused() throws InterruptedException {
		if (!this.paused && !this.held) {
			return !this.closed;
		}
		this.pauseLock.lock();
		try {
			while ((this.paused || this.held) && !this.closed) {
				this.resumed.await();
			}
			return !this.closed;
		}
		finally {
			this.pauseLock.unlock();
		}
	}

	LineFramer newFramer(int maxMessageSize) {
		LineFramer framer = new LineFramer(maxMessageSize, this.delivery);
		framer.generation = this.generation;
		return framer;
	}

	/**
	 * @return whether the send queue has no room, so a handler replying would wait
	 */
	boolean isSendQueueFull() {
		SendQueue queue = this.sender.queue();
		return queue != null && queue.isFull();
	}

	/**
	 * @return how many times a line did not fit in the send queue, to compare with an
	 * earlier count: whether a chunk's replies found it full, also if they waited for
	 * room and the queue was emptied meanwhile
	 */
	int sendQueueFullCount() {
		SendQueue queue = this.sender.queue();
		return (queue != null) ? queue.fullCount() : 0;
	}

	boolean isCurrent(LineFramer framer) {
		return framer.generation == this.generation;
	}

	PipeServer server() {
		return this.server;
	}

	boolean isClosed() {
		return this.closed;
	}

	boolean isPaused() {
		return this.paused;
	}

	/**
	 * @return whether readers must leave their pipe alone now: paused, or held for a
	 * moment while a mark is set
	 */
	boolean isReadingHeld() {
		return this.paused || this.held;
	}

	/**
	 * Hold readers back for a moment, or let them read again.
	 * @param held whether they must take nothing from their pipe
	 */
	void setHeld(boolean held) {
		this.held = held;
		if (!held) {
			signalAll();
		}
	}

	/**
	 * Tell whether a handler call that the last {@code stop()} gave up on has still not
	 * returned: its thread holds the dispatch lock, so no reader can deliver a line
	 * meanwhile.
	 * @return the failure that describes it, or {@code null} if there is none (any more)
	 */
	@Nullable IllegalStateException blockedByAbandonedCall() {
		Thread thread = this.abandoned;
		if (thread == null || thread != this.dispatchLock.owner()) {
			this.abandoned = null; // none, or it returned
			return null;
		}
		return new IllegalStateException("Channel '" + this.server.getChannel() + "' cannot deliver lines: a"
				+ " handler call that the last stop gave up on has not returned (thread '" + thread.getName()
				+ "'); lines wait in the in pipe until it does");
	}

	/**
	 * Wait until no chunk is being dispatched, such as the one a pause let finish.
	 * Returns at once on the thread that dispatches (the lock is reentrant).
	 * @param timeout the longest to wait
	 * @return whether no chunk was being dispatched by the end
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean awaitIdle(Duration timeout) throws InterruptedException {
		if (!this.dispatchLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
			return false;
		}
		this.dispatchLock.unlock();
		return true;
	}

	void setPaused(boolean paused) {
		this.paused = paused;
		if (!paused) {
			signalAll();
		}
	}

	void close() {
		this.closed = true;
		signalAll();
	}

	/**
	 * Take lines again, for a starting server. No reader of the channel runs yet, so a
	 * thread holding the dispatch lock now is one that stop gave up on.
	 */
	void open() {
		this.abandoned = this.dispatchLock.owner();
		this.generation++;
		this.closed = false;
		this.fences.release();
	}

	private void signalAll() {
		this.pauseLock.lock();
		try {
			this.resumed.signalAll();
		}
		finally {
			this.pauseLock.unlock();
		}
	}

	/**
	 * Every writer has left the pipe a framer reads: its partial line, if any, is dropped
	 * (no later byte can complete it, those come from the next client), under the lock
	 * like a chunk.
	 * @param framer the framer of that pipe
	 * @param writerCame whether a writer had come since the last end (a reader's first
	 * read sees an end with nobody having come): counted as a departure only then
	 * @throws InterruptedException if interrupted while waiting for the other reader
	 */
	void endOfStream(LineFramer framer, boolean writerCame) throws InterruptedException {
		this.dispatchLock.lockInterruptibly();
		try {
			framer.endOfStream();
			this.fences.reachIfPassed(framer);
			if (writerCame) {
				this.departures++;
			}
		}
		finally {
			this.dispatchLock.unlock();
		}
	}

	/**
	 * @return whether the calling thread is the one handing a chunk to the handler
	 */
	boolean isDispatchingThread() {
		return this.dispatchLock.isHeldByCurrentThread();
	}

	/**
	 * @return how many times every writer has left, each counted once the lines before
	 * were handled
	 */
	long getDepartures() {
		return this.departures;
	}

	/**
	 * A client started writing to a reader's pipe, or the last one left it. The channel
	 * is told only when it gets its first client or loses its last one, whichever pipe
	 * they write to: a client still attached to a pipe deleted or replaced on disk counts
	 * until it leaves.
	 * @param reader the reader whose pipe it is
	 * @param present whether that pipe has a client now
	 */
	void clientPresence(Object reader, boolean present) {
		this.presence.changed(reader, present);
	}

	/**
	 * Count lines that were in the pipe when the channel stopped but were no longer
	 * dispatched.
	 * @param lines how many
	 */
	void droppedAtStop(long lines) {
		if (lines > 0) {
			this.statistics.recordDropped(DropReason.SHUTDOWN, lines);
			this.listener.onDropped(this.server, DropReason.SHUTDOWN, lines);
		}
	}

	/**
	 * Count the lines a reader lost with a failure on the way to the handler.
	 * @param lines how many
	 */
	void lostWithReader(long lines) {
		if (lines > 0) {
			this.statistics.recordDropped(DropReason.READER_FAILED, lines);
			this.listener.onDropped(this.server, DropReason.READER_FAILED, lines);
		}
	}

	/**
	 * Count the lines of a chunk a reader took from the pipe but could no longer dispatch
	 * (the channel stopped, or the reader was interrupted waiting): no drain sees them. A
	 * line the chunk ends inside is counted too, and its rest is skipped by whoever reads
	 * it next from this framer (or by the stop's drain, for the next server).
	 * @param framer the framer of the pipe the chunk came from
	 * @param chunk the chunk
	 * @param length its length
	 */
	void refused(LineFramer framer, byte[] chunk, int length) {
		droppedAtStop(framer.refuse(chunk, length));
	}

	/**
	 * The dispatch lock, which can tell its owner.
	 */
	@SuppressWarnings("serial")
	private static final class DispatchLock extends ReentrantLock {

		@Nullable Thread owner() {
			return getOwner();
		}

	}

}
