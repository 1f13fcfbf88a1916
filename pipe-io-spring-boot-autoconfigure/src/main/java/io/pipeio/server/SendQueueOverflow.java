package io.pipeio.server;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link SendQueue} does for a line that finds it full, as the channel's
 * {@link OverflowPolicy} says: whether the oldest lines make room, and how long a sender
 * waits for room (the send timeout; for the replies the reader collected, no limit; never
 * past a stop's deadline). Some threads must not wait at all, as room is theirs to make:
 * the event loop's, and the one completing the futures of written lines.
 * <p>
 * Kept apart from the queue so that the queue is about what it holds, and the policy's
 * waits are read in one place. The waits are guarded by the queue's lock, on which the
 * senders wait ({@link #await}); what the policy says is fixed, and
 * {@link #completeWritten} runs without the lock.
 *
 * @author pipe-io
 */
final class SendQueueOverflow {

	private final OverflowPolicy policy;

	private final long sendTimeoutNanos;

	/** The queue's condition for room; signalled only while a sender waits on it. */
	private final Condition notFull;

	private int sendersWaiting;

	private boolean waitsLimited;

	private long waitDeadline;

	/**
	 * The thread completing the futures of written lines, while it does: their callbacks
	 * run on it, and only it can make room, once it goes on writing.
	 */
	private volatile @Nullable Thread completingWrites;

	/**
	 * @param settings the channel settings: overflow policy and send timeout
	 * @param notFull the condition of the queue's lock that senders wait on for room
	 */
	SendQueueOverflow(PipeServerSettings settings, Condition notFull) {
		this.policy = settings.getOverflow();
		this.sendTimeoutNanos = TimeUnit.NANOSECONDS.convert(settings.getSendTimeout()); // saturates
		this.notFull = notFull;
	}

	/**
	 * @param maxWaitNanos how long the send may wait at most, if less than the send
	 * timeout
	 * @return how long a send may wait for room: with {@link OverflowPolicy#BLOCK} up to
	 * the send timeout, otherwise not at all
	 */
	long sendWait(long maxWaitNanos) {
		return (this.policy == OverflowPolicy.BLOCK) ? Math.max(0, Math.min(this.sendTimeoutNanos, maxWaitNanos)) : 0;
	}

	/**
	 * @return how long the replies the reader collected may wait for room: with
	 * {@link OverflowPolicy#BLOCK} without a time limit, as the reader then stops reading
	 * the in pipe until a client reads the out pipe (or the channel stops); otherwise not
	 * at all
	 */
	long replyWait() {
		return (this.policy == OverflowPolicy.BLOCK) ? Long.MAX_VALUE : 0;
	}

	/**
	 * @return whether the oldest queued lines are dropped to make room
	 */
	boolean dropsOldest() {
		return this.policy == OverflowPolicy.DROP_OLDEST;
	}

	/**
	 * Cut a wait short to the stop's deadline, if {@link #limitWaits} set one.
	 * @param remaining how long the sender may still wait
	 * @return how long it may wait now
	 */
	long remaining(long remaining) {
		return this.waitsLimited ? Math.min(remaining, this.waitDeadline - System.nanoTime()) : remaining;
	}

	/**
	 * Tell whether room is the calling thread's own to make, so it must not wait for it:
	 * a handler the loop runs overfills the queue by what one chunk replies rather than
	 * wait for ever (the loop then hands the channel to a worker, which waits), and so
	 * does a callback of a written line's future by what it sends.
	 * @return whether the calling thread is the loop's or completes written lines
	 */
	boolean makesRoomItself() {
		return EventLoop.isLoopThread() || Thread.currentThread() == this.completingWrites;
	}

	/**
	 * Wait for room, releasing the queue's lock meanwhile.
	 * @param nanos how long at most
	 * @return how long is left, as {@link Condition#awaitNanos} tells
	 * @throws InterruptedException if interrupted while waiting
	 */
	long await(long nanos) throws InterruptedException {
		this.sendersWaiting++;
		try {
			return this.notFull.awaitNanos(nanos);
		}
		finally {
			this.sendersWaiting--;
		}
	}

	/** The writer made room: wake the senders waiting for it, if any. */
	void roomMade() {
		if (this.sendersWaiting > 0) {
			this.notFull.signalAll();
		}
	}

	/** The queue closed or was emptied: every sender looks again. */
	void wakeAll() {
		this.notFull.signalAll();
	}

	/**
	 * @return whether a stop limited the waits ({@link #limitWaits}): a wait for room
	 * that ends now was ended by the stop
	 */
	boolean waitsLimited() {
		return this.waitsLimited;
	}

	/**
	 * Let no sender wait for room beyond a deadline, for a stop: a reader held up by a
	 * full queue then gives up the rest of its replies and ends.
	 * @param deadline {@link System#nanoTime()} after which waits end
	 */
	void limitWaits(long deadline) {
		this.waitsLimited = true;
		this.waitDeadline = deadline;
		this.notFull.signalAll();
	}

	/**
	 * Complete the futures of written lines, on the writing thread, without the queue's
	 * lock. A callback that sends from there does not wait for room in a full queue,
	 * which that very thread would have to make: its line is queued beyond the bounds, as
	 * the event loop's replies are.
	 * @param written the entries written, lines and {@link QueuedLines.PendingLine}s
	 */
	void completeWritten(List<Object> written) {
		this.completingWrites = Thread.currentThread();
		try {
			for (Object entry : written) {
				if (entry instanceof QueuedLines.PendingLine pending) {
					pending.future().complete(null);
				}
			}
		}
		finally {
			this.completingWrites = null;
		}
	}

}
