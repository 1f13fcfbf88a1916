package io.pipeio.server;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Writes an <em>out</em> FIFO on the event loop engine, with no thread of its own: the
 * thread that queues lines writes them at once while the pipe has room (so a reply leaves
 * from the thread that produced it), and once the pipe is full the loop reports when a
 * client has read and a worker writes on. Whoever writes holds {@link #writing}; a thread
 * that finds it held leaves its lines to the holder, which looks at the queue again
 * before it lets go.
 * <p>
 * The pipe's only descriptor is opened read-write and non-blocking: writes never block,
 * lines wait in the pipe while no client reads, and the pipe never reports a missing
 * reader. The lines taken from the queue are written in chunks of the buffer size by the
 * {@link WritingBatch}, which keeps a chunk the pipe did not take whole until it has
 * room.
 *
 * @author pipe-io
 */
final class EventLoopWriter implements PipeWriter {

	/** How long {@link #replace} waits for a writing thread to let go. */
	private static final long OWNERSHIP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

	private final EventLoop loop;

	private final SendQueue queue;

	private final ChannelStatistics statistics;

	private final LostLines lostLines;

	private final Consumer<Throwable> onFailure;

	private final int bufferSize;

	private final long token;

	private final AtomicBoolean writing = new AtomicBoolean();

	/** Whether something happened that the thread holding {@link #writing} must see. */
	private final AtomicBoolean again = new AtomicBoolean();

	private final CountDownLatch ended = new CountDownLatch(1);

	private volatile FifoDescriptor fifo;

	private volatile boolean aborted;

	private volatile @Nullable Throwable failure;

	/** Set before the descriptor is armed for room, cleared when the loop reports it. */
	private volatile boolean waitingForRoom;

	// Used only by the thread holding `writing`.

	private final WritingBatch batch;

	private boolean registered;

	/** Whether the pipe ends inside a line a writer before this one cut. */
	private boolean cutLineLeft;

	private EventLoopWriter(FifoDescriptor fifo, EventLoop loop, SendQueue queue, ChannelStatistics statistics,
			LostLines lostLines, PipeServerSettings settings, Consumer<Throwable> onFailure) {
		this.fifo = fifo;
		this.loop = loop;
		this.queue = queue;
		this.statistics = statistics;
		this.lostLines = lostLines;
		this.onFailure = onFailure;
		this.bufferSize = settings.getBufferSize();
		this.batch = new WritingBatch(this.bufferSize);
		this.token = loop.newToken((events) -> {
			this.waitingForRoom = false;
			loop.workers().execute(this::kick);
		});
	}

	/**
	 * Start writing to an opened FIFO; the writer owns the descriptor from now on, also
	 * if this fails.
	 * @param fifo the FIFO, opened and checked
	 * @param settings the channel settings
	 * @param queue where lines come from
	 * @param statistics counts sent lines
	 * @param lostLines takes the lines not written when the writer ends
	 * @param loop the loop
	 * @param onFailure told when writing fails
	 * @return the writer
	 * @throws IOException if the FIFO cannot be opened for writing
	 */
	static EventLoopWriter open(FifoDescriptor fifo, PipeServerSettings settings, SendQueue queue,
			ChannelStatistics statistics, LostLines lostLines, EventLoop loop, Consumer<Throwable> onFailure)
			throws IOException {
		boolean cutLineLeft;
		try {
			fifo.reopen(Posix.O_RDWR | Posix.O_NONBLOCK);
			cutLineLeft = CutOutLine.isLeftIn(fifo.descriptor(), settings.getBufferSize());
		}
		catch (IOException | RuntimeException ex) {
			fifo.close();
			throw ex;
		}
		EventLoopWriter writer = new EventLoopWriter(fifo, loop, queue, statistics, lostLines, settings, onFailure);
		writer.cutLineLeft = cutLineLeft;
		queue.writeOnWakeup(writer::kick);
		if (cutLineLeft || queue.size() > 0) {
			// The cut line is ended at once, as the thread engine's writer does; and
			// lines queued while the channel started, before there was a writer to
			// wake (the queue opens before the pipes), would wait for the next send.
			loop.workers().execute(writer::kick);
		}
		return writer;
	}

	/**
	 * Write what is queued while the pipe has room, unless another thread is writing.
	 */
	void kick() {
		// Set before trying: a thread holding `writing` sees it once it let go, and goes
		// on for the caller, whatever made it stop (lines queued, room reported, abort).
		this.again.set(true);
		while (this.again.get() && this.writing.compareAndSet(false, true)) {
			try {
				this.again.set(false);
				writeAll();
			}
			catch (IOException | RuntimeException | Error ex) {
				failed(ex);
				return;
			}
			finally {
				this.writing.set(false);
			}
		}
	}

	/**
	 * Write until everything queued is written, the pipe is full or the writer ended.
	 */
	private void writeAll() throws IOException {
		while (this.ended.getCount() > 0) {
			if (this.aborted) {
				// before waitingForRoom: an abort must end a writer the pipe holds up
				end(DropReason.SHUTDOWN);
			}
			else if (this.waitingForRoom) {
				return;
			}
			else if (this.cutLineLeft) {
				// before the first line of this writer, as a newline that waits for room
				if (CutOutLine.end(this.fifo.descriptor())) {
					this.cutLineLeft = false;
				}
				else {
					awaitRoom();
				}
			}
			else if (!this.batch.isWritten()) {
				if (!this.batch.writeNext(this.fifo)) {
					awaitRoom();
				}
			}
			else if (!takeBatch()) {
				return;
			}
		}
	}

	private boolean takeBatch() {
		List<Object> lines = this.batch.lines();
		if (!lines.isEmpty()) {
			this.statistics.addSent(lines.size(), this.batch.bytes());
			try {
				this.queue.completeWritten(lines);
			}
			finally {
				// written, even if completing a future failed: not to be counted again
				lines.clear();
			}
		}
		int taken = this.queue.takeAllNow(lines);
		if (taken < 0) {
			end(null);
		}
		if (taken <= 0) {
			return false;
		}
		this.batch.begin();
		return true;
	}

	/** Have the loop report when a client made room. */
	private void awaitRoom() throws IOException {
		// set first: the report may come before arm returns
		this.waitingForRoom = true;
		if (this.registered) {
			this.loop.arm(this.fifo.descriptor(), Epoll.EPOLLOUT, this.token);
		}
		else {
			this.loop.add(this.fifo.descriptor(), Epoll.EPOLLOUT, this.token);
			this.registered = true;
		}
	}

	/**
	 * Writing failed other than by a stop (an {@code OutOfMemoryError} too): the queue
	 * refuses new lines, so no sender waits for a writer that is gone, and the channel
	 * fails with the cause.
	 */
	private void failed(Throwable ex) {
		// called by the thread holding `writing`
		this.failure = ex;
		this.queue.close();
		try {
			this.onFailure.accept(ex);
		}
		finally {
			end(DropReason.WRITER_FAILED);
		}
	}

	/**
	 * Let go of the descriptor; of the batch being written, the lines the pipe took whole
	 * are sent, and the rest and what is queued are dropped for the reason given
	 * ({@link CutBatch}).
	 * <p>
	 * The first end decides the reason, so a write that fails before the writer sees a
	 * stop ends it as failed, as the thread engine's writer does
	 * ({@code OutboundPipe.run}): the lines it leaves are dropped for the reason the
	 * channel was told. They are accounted for even if letting go of the descriptor
	 * throws, which is then reported as what accounting for them throws is.
	 */
	private void end(@Nullable DropReason reason) {
		if (this.ended.getCount() == 0) {
			return;
		}
		try {
			Throwable ending = null;
			try {
				if (this.registered) {
					this.loop.remove(this.fifo.descriptor());
				}
				this.loop.removeToken(this.token);
				// What no client read goes with the descriptor, unless one still reads.
				UnreadOutLines.close(this.fifo, this.fifo::close, this.lostLines,
						(reason == DropReason.WRITER_FAILED) ? reason : DropReason.SHUTDOWN, this.bufferSize);
			}
			catch (RuntimeException | Error ex) {
				// such as an Error where the count of the unread lines is recorded: the
				// lines still held are accounted for all the same
				ending = ex;
			}
			// Without a reason, takeBatch emptied the batch before it found the queue
			// closed and empty: nothing is left to account for.
			try {
				CutBatch.account(this.batch.lines(), this.batch.wholeLines(), reason, this.queue, this.statistics,
						this.lostLines);
			}
			catch (RuntimeException | Error ex) {
				if (ending == null) {
					ending = ex;
				}
				else if (ending != ex) {
					ending.addSuppressed(ex);
				}
			}
			this.batch.clear();
			if (ending != null) {
				reportUncaught(ending);
			}
		}
		finally {
			this.ended.countDown();
		}
	}

	/**
	 * Report what a listener told of the lost lines threw (an {@code Error}: see
	 * {@link LostLines}), a sender's future, or what letting go of the descriptor threw:
	 * the lines are accounted for, and the writer ends for its own reason all the same,
	 * so a stopping channel is not failed. The thread engine's writer lets it end its
	 * thread, whose uncaught-exception handler reports it; here it goes to the same
	 * handler of the current thread, which is not ended, as it may be a shared worker or
	 * a sender's.
	 */
	private static void reportUncaught(Throwable ex) {
		Thread current = Thread.currentThread();
		current.getUncaughtExceptionHandler().uncaughtException(current, ex);
	}

	@Override
	public PipeFile file() {
		return this.fifo.file();
	}

	@Override
	public boolean isAlive() {
		return this.ended.getCount() > 0;
	}

	@Override
	public @Nullable Throwable failure() {
		return this.failure;
	}

	@Override
	public void abort() {
		this.aborted = true;
		this.waitingForRoom = false;
		// On a worker, not the stopping thread: ending runs the callbacks of the lines'
		// futures and the listener's, which must not hold up the stop past its timeout
		// (the caller waits for the end in join, within its time).
		this.loop.workers().execute(this::kick);
	}

	@Override
	public boolean join(long millis) throws InterruptedException {
		// The queue was closed: the writer ends once it is written. On a worker, as for
		// abort: the futures' callbacks run where the lines are written.
		this.loop.workers().execute(this::kick);
		return this.ended.await(Math.max(0, millis), TimeUnit.MILLISECONDS);
	}

	@Override
	public void replace(FifoDescriptor replacement) throws IOException {
		replacement.reopen(Posix.O_RDWR | Posix.O_NONBLOCK);
		long deadline = System.nanoTime() + OWNERSHIP_WAIT_NANOS;
		while (!this.writing.compareAndSet(false, true)) {
			if (System.nanoTime() - deadline > 0) {
				throw new IOException("Cannot switch to the re-created out pipe " + replacement.file().path()
						+ ": a thread writing to the old one did not let go");
			}
			LockSupport.parkNanos(100_000);
		}
		try {
			FifoDescriptor old = this.fifo;
			// A writer of our own keeps the old pipe reachable once our reader of it is
			// closed. Opened before anything changes: if it cannot be, the writer goes on
			// with the old pipe, rather than with a replacement its caller then closes.
			int writer = old.openNonBlockingWriter();
			try {
				if (this.registered) {
					this.loop.remove(old.descriptor());
					this.registered = false;
				}
				this.fifo = replacement;
				this.waitingForRoom = false;
				this.cutLineLeft = false; // the new pipe holds no line of another writer
				this.batch.resumeAtFirstUnwrittenLine();
				old.close();
				this.lostLines.unread(DropReason.PIPE_REPLACED, UnreadOutLines.count(writer, this.bufferSize));
			}
			finally {
				Posix.close(writer);
			}
		}
		finally {
			this.writing.set(false);
		}
		kick();
	}

	@Override
	public boolean isBusy() {
		return this.writing.get();
	}

	@Override
	public long discardUnread(boolean cutLast) throws IOException {
		return UnreadOutLines.discard(this.fifo, this.lostLines, this.bufferSize, cutLast);
	}

}
