package io.pipeio.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The queue between senders and the writer, bounded by lines and by bytes
 * ({@link SendQueueBounds}). The writer takes everything queued in one go, so a burst of
 * lines costs one hand-off rather than one per line; senders signal a writer thread only
 * when it is actually waiting, and call a writer that has none ({@link #writeOnWakeup}).
 * <p>
 * A line that does not fit is handled as the channel's {@link OverflowPolicy} says
 * ({@link SendQueueOverflow}). Replies the reader sends while it dispatches a chunk are
 * collected by {@link ChunkReplies} and placed here together ({@link #placeAll}). Entries
 * dropped to make room, or refused without their sender being told by an exception, go to
 * the rejection callback once the lock is released.
 *
 * @author pipe-io
 */
final class SendQueue {

	private final Consumer<List<Object>> rejected;

	private final Consumer<List<Object>> refusedClosed;

	private final SendQueueBounds bounds;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition notEmpty = this.lock.newCondition();

	private final SendQueueOverflow overflow;

	/**
	 * Room for one entry at first, not sixteen: most channels of an application with
	 * thousands rarely queue more, and the deque grows as lines wait.
	 */
	private final ArrayDeque<Object> entries = new ArrayDeque<>(1);

	/** Entries refused or evicted under the lock, reported once it is released. */
	private final ArrayList<Object> dropped = new ArrayList<>();

	private boolean writerWaiting;

	private boolean closed;

	/**
	 * Whether no further line fits, as of the end of the last operation under the lock;
	 * read without it by {@link #isFull()}, once per chunk.
	 */
	private volatile boolean full;

	/**
	 * Told, without the lock, that entries wait, where no writer thread waits for them
	 * (the event loop engine); it writes them from the calling thread if it can.
	 */
	private volatile @Nullable Runnable writerWakeup;

	/**
	 * Create a queue.
	 * @param settings the channel settings: capacity, byte bound, overflow policy, send
	 * timeout
	 * @param rejected told of entries that were dropped from the queue, or offered and
	 * not queued by a sender that gets no exception for it
	 * @param refusedClosed told of entries placed by {@link #placeAll} once the queue had
	 * closed, or once a stop ended their wait for room: no writer takes them any more
	 */
	SendQueue(PipeServerSettings settings, Consumer<List<Object>> rejected, Consumer<List<Object>> refusedClosed) {
		this.overflow = new SendQueueOverflow(settings, this.lock.newCondition());
		this.rejected = rejected;
		this.refusedClosed = refusedClosed;
		this.bounds = new SendQueueBounds(settings);
	}

	/**
	 * Add an entry, waiting for room at most the send timeout.
	 * @param entry a line or a {@link QueuedLines.PendingLine}
	 * @return {@code true} if queued, {@code false} if it did not fit
	 * @throws InterruptedException if interrupted while waiting
	 * @throws IllegalStateException if the queue is closed
	 * @see #offer(Object, long)
	 */
	boolean offer(Object entry) throws InterruptedException {
		return offer(entry, Long.MAX_VALUE);
	}

	/**
	 * Add an entry. If it does not fit: with {@link OverflowPolicy#BLOCK} the caller
	 * waits up to the send timeout; with {@link OverflowPolicy#DROP_OLDEST} the oldest
	 * entries make room; with the other policies it is not queued.
	 * @param entry a line or a {@link QueuedLines.PendingLine}
	 * @param maxWaitNanos how long a {@link OverflowPolicy#BLOCK} send may wait at most,
	 * if less than the send timeout
	 * @return {@code true} if queued, {@code false} if it did not fit
	 * @throws InterruptedException if interrupted while waiting
	 * @throws IllegalStateException if the queue is closed
	 */
	boolean offer(Object entry, long maxWaitNanos) throws InterruptedException {
		boolean queued;
		List<Object> evicted;
		long wait = this.overflow.sendWait(maxWaitNanos);
		this.lock.lock();
		try {
			queued = !this.closed && place(entry, wait);
			updateFull();
			if (!queued && this.closed) {
				throw new IllegalStateException("closed");
			}
			evicted = takeDropped();
		}
		finally {
			this.lock.unlock();
		}
		if (queued) {
			wakeWriter();
		}
		if (!evicted.isEmpty()) {
			this.rejected.accept(evicted);
		}
		return queued;
	}

	/**
	 * Tell, without the lock, whether a line would fit once the lines collected before it
	 * were queued; other senders may fill the queue meanwhile.
	 * @param linesBefore lines collected before it
	 * @param bytesBefore their bytes
	 * @param length the line's length
	 * @return whether it seems to fit
	 */
	boolean seemsToFit(int linesBefore, long bytesBefore, int length) {
		return this.bounds.seemsToFit(linesBefore, bytesBefore, length);
	}

	/**
	 * Place what the reader collected as its sends would have been placed, except that
	 * with {@link OverflowPolicy#BLOCK} it waits for room without a time limit: the
	 * reader stops reading the in pipe until a client reads the out pipe (or the channel
	 * stops).
	 * @param collected the entries, in order
	 */
	void placeAll(List<Object> collected) {
		long wait = this.overflow.replyWait();
		List<Object> refused;
		// A handler call a stop gave up on may return after the queue closed, and the
		// writer may have ended: what it replied is lost to the stop, not to a full
		// queue.
		List<Object> closedOut = List.of();
		this.lock.lock();
		try {
			int placed = 0;
			try {
				for (; placed < collected.size(); placed++) {
					Object entry = collected.get(placed);
					if (this.closed || !place(entry, wait)) {
						// A wait for room that a stop ended: the replies are lost to the
						// stop (shutdown), not to a full queue.
						if (this.closed || (wait > 0 && this.overflow.waitsLimited())) {
							closedOut = collected.subList(placed, collected.size());
							break;
						}
						this.dropped.add(entry);
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.dropped.addAll(collected.subList(placed, collected.size()));
			}
			updateFull();
			refused = takeDropped();
		}
		finally {
			this.lock.unlock();
		}
		wakeWriter();
		try {
			if (!refused.isEmpty()) {
				this.rejected.accept(refused);
			}
		}
		finally {
			if (!closedOut.isEmpty()) {
				this.refusedClosed.accept(List.copyOf(closedOut));
			}
		}
	}

	/**
	 * Queue an entry with the lock held, making room as the policy says.
	 * @param waitNanos how long to wait for room
	 * @return whether it was queued
	 */
	private boolean place(Object entry, long waitNanos) throws InterruptedException {
		int length = QueuedLines.lineOf(entry).length;
		long remaining = waitNanos;
		while (this.bounds.isFull(this.entries.size(), length)) {
			if (this.closed) {
				return false;
			}
			this.bounds.full();
			if (this.overflow.dropsOldest() && !this.entries.isEmpty() && this.bounds.fitsOnceEmptied(length)) {
				Object oldest = this.entries.removeFirst();
				this.bounds.queued(this.entries.size(), -QueuedLines.lineOf(oldest).length);
				this.dropped.add(oldest);
				continue;
			}
			remaining = this.overflow.remaining(remaining);
			if (remaining <= 0) {
				return false;
			}
			if (this.writerWakeup != null) {
				// What is queued must be on its way before this waits for room. Written
				// without the lock: the writer completes futures, whose callbacks may
				// send.
				this.lock.unlock();
				try {
					wakeWriter();
				}
				finally {
					this.lock.lock();
				}
				if (this.closed || !this.bounds.isFull(this.entries.size(), length)) {
					continue;
				}
			}
			updateFull();
			if (this.overflow.makesRoomItself()) {
				break;
			}
			remaining = this.overflow.await(remaining);
		}
		if (this.closed) {
			return false;
		}
		this.entries.addLast(entry);
		this.bounds.queued(this.entries.size(), length);
		if (this.writerWaiting) {
			this.notEmpty.signal();
		}
		return true;
	}

	/** Called without the lock. */
	private void wakeWriter() {
		Runnable wakeup = this.writerWakeup;
		if (wakeup != null) {
			wakeup.run();
		}
	}

	/**
	 * Complete the futures of written lines, on the writing thread, without the lock; see
	 * {@link SendQueueOverflow#completeWritten}.
	 * @param written the entries written, lines and {@link QueuedLines.PendingLine}s
	 */
	void completeWritten(List<Object> written) {
		this.overflow.completeWritten(written);
	}

	/**
	 * Have entries written by a callback instead of a thread waiting in {@link #takeAll}:
	 * it is run, without the lock, whenever entries were queued or a sender is about to
	 * wait for room, and is expected to take them with {@link #takeAllNow} without
	 * blocking.
	 * @param wakeup the callback
	 */
	void writeOnWakeup(Runnable wakeup) {
		this.writerWakeup = wakeup;
	}

	/**
	 * Move every queued entry to a list without waiting, like {@link #takeAll}.
	 * @param target the list to add to
	 * @return {@code 1} if entries were taken, {@code 0} if none is queued, {@code -1}
	 * once the queue is closed and empty
	 */
	int takeAllNow(List<Object> target) {
		this.lock.lock();
		try {
			writerBack();
			if (this.entries.isEmpty()) {
				return this.closed ? -1 : 0;
			}
			moveAll(target);
			return 1;
		}
		finally {
			this.lock.unlock();
		}
	}

	private List<Object> takeDropped() {
		// usually no copy
		List<Object> taken = this.dropped.isEmpty() ? List.of() : List.copyOf(this.dropped);
		this.dropped.clear();
		return taken;
	}

	/**
	 * Move every queued entry to a list, waiting while the queue is empty and open. Being
	 * called again means the writer wrote what it took last, so those bytes are free
	 * again.
	 * @param target the list to add to
	 * @return {@code false} once the queue is closed and empty
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean takeAll(List<Object> target) throws InterruptedException {
		this.lock.lock();
		try {
			writerBack();
			while (this.entries.isEmpty()) {
				if (this.closed) {
					return false;
				}
				this.writerWaiting = true;
				try {
					this.notEmpty.await();
				}
				finally {
					this.writerWaiting = false;
				}
			}
			moveAll(target);
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The writer is back for more, with the lock held: what it took last is written, so
	 * those bytes are free again.
	 */
	private void writerBack() {
		if (this.bounds.written(this.entries.size())) {
			updateFull();
			this.overflow.roomMade();
		}
	}

	/** Hand every queued entry to the writer, with the lock held. */
	private void moveAll(List<Object> target) {
		target.addAll(this.entries);
		this.entries.clear();
		this.bounds.taken();
		updateFull();
		this.overflow.roomMade();
	}

	/**
	 * Let no sender wait for room beyond a deadline, for a stop: a reader held up by a
	 * full queue then gives up the rest of its replies and ends.
	 * @param deadline {@link System#nanoTime()} after which waits end
	 */
	void limitWaits(long deadline) {
		this.lock.lock();
		try {
			this.overflow.limitWaits(deadline);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Refuse new entries; the writer still drains what is queued. */
	void close() {
		this.lock.lock();
		try {
			this.closed = true;
			this.notEmpty.signalAll();
			this.overflow.wakeAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * @return everything still queued, removed: the writer can no longer write it
	 */
	List<Object> clear() {
		this.lock.lock();
		try {
			List<Object> rest = List.copyOf(this.entries);
			this.entries.clear();
			this.bounds.cleared();
			updateFull();
			this.overflow.wakeAll();
			return rest;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Tell, without the lock, whether no further line fits until the writer made
	 * progress; as of the last change, which is what a locked read could tell a moment
	 * later too.
	 * @return whether the queue is full
	 */
	boolean isFull() {
		return this.full;
	}

	/**
	 * Tell, without the lock, how many times a line did not fit: a sender that waited for
	 * room finds the queue emptied by the time it returns, {@link #isFull()} then says
	 * nothing of it, this count does.
	 * @return the count, which only moves on (and wraps around)
	 */
	int fullCount() {
		return this.bounds.fullCount();
	}

	/** Called with the lock held, once per operation that changes what is held. */
	private void updateFull() {
		this.full = this.bounds.isFull(this.entries.size(), 1);
	}

	int size() {
		this.lock.lock();
		try {
			return this.entries.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * @return the bytes of the lines queued and being written
	 */
	long bytes() {
		this.lock.lock();
		try {
			return this.bounds.held();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * @return when a line first did not fit since the writer last made progress, or 0
	 */
	long fullSinceMillis() {
		return this.bounds.fullSinceMillis();
	}

}
