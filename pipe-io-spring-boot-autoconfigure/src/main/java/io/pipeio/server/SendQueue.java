package io.pipeio.server;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between senders and the writer thread. The writer takes everything queued
 * in one go, so a burst of lines costs one hand-off rather than one per line; senders signal the
 * writer only when it is actually waiting.
 *
 * @author pipe-io
 */
final class SendQueue {

	private final int capacity;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition notEmpty = this.lock.newCondition();

	private final Condition notFull = this.lock.newCondition();

	private ArrayDeque<Object> entries = new ArrayDeque<>();

	private boolean writerWaiting;

	private int sendersWaiting;

	private boolean closed;

	SendQueue(int capacity) {
		this.capacity = capacity;
	}

	/**
	 * Add an entry, waiting up to a timeout for room.
	 * @param entry the entry
	 * @param timeoutNanos how long to wait for room
	 * @return {@code true} if queued, {@code false} if the queue stayed full
	 * @throws InterruptedException if interrupted while waiting
	 * @throws IllegalStateException if the queue is closed
	 */
	boolean offer(Object entry, long timeoutNanos) throws InterruptedException {
		long remaining = timeoutNanos;
		this.lock.lock();
		try {
			while (true) {
				if (this.closed) {
					throw new IllegalStateException("closed");
				}
				if (this.entries.size() < this.capacity) {
					this.entries.addLast(entry);
					if (this.writerWaiting) {
						this.notEmpty.signal();
					}
					return true;
				}
				if (remaining <= 0) {
					return false;
				}
				this.sendersWaiting++;
				try {
					remaining = this.notFull.awaitNanos(remaining);
				}
				finally {
					this.sendersWaiting--;
				}
			}
		}
		finally {
			this.lock.unlock();
		}
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

	static long millisToNanos(long millis) {
		return TimeUnit.MILLISECONDS.toNanos(millis);
	}

}
