package io.pipeio.core;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import io.pipeio.server.Durations;
import io.pipeio.server.InputFence;
import io.pipeio.server.OverflowPolicy;
import io.pipeio.server.PipeSendException;
import io.pipeio.server.PipeServerSettings;
import org.jspecify.annotations.Nullable;

/**
 * The requests of one channel that wait for their answer, in the order their lines were
 * queued: the n-th line the plug-in writes answers the n-th request. A request that timed
 * out keeps its place, so its late answer is discarded instead of reaching the next
 * caller.
 * <p>
 * When the plug-in exits, the requests it did not answer fail; while the lines it wrote
 * before it ended are still to be read, they keep their places and a {@link ExitMark}
 * stands behind them, so that its lines answer none of the requests sent to the next
 * instance. Where each request and mark stands is kept by {@link RequestPlaces}.
 *
 * @author pipe-io
 */
final class PendingRequests {

	/**
	 * Serialises "take a place" and "queue the line", so places follow the order in the
	 * pipe. A lock, not a monitor: a caller waits for it as long as its send may wait for
	 * room, and an interrupt ends the wait.
	 */
	private final ReentrantLock sendLock = new ReentrantLock();

	private final RequestPlaces places = new RequestPlaces();

	private final PipeServerSettings settings;

	/**
	 * How long a send may wait, for the lock and room together: the send timeout with
	 * {@code overflow: block}; else the holder never waits for room, and neither does a
	 * caller time out on it.
	 */
	private final long maxWaitNanos;

	/**
	 * Create the requests of a channel.
	 * @param settings the channel's settings: overflow policy and send timeout
	 */
	PendingRequests(PipeServerSettings settings) {
		this.settings = settings;
		boolean waits = settings.getOverflow() == OverflowPolicy.BLOCK && !settings.getSendTimeout().isZero();
		this.maxWaitNanos = waits ? TimeUnit.NANOSECONDS.convert(settings.getSendTimeout()) : Long.MAX_VALUE;
	}

	/**
	 * Take a place and queue the request line. A line dropped once queued (by
	 * {@code drop-oldest}, a stop, a replaced pipe) gives up its place and fails its
	 * request: nothing answers it, and the next answer is the next request's. With
	 * {@code overflow: block} a caller waits for the lock (held by a request that waits
	 * for room) and then for room for one send timeout in all.
	 * @param line the request line
	 * @param sender queues a line on the channel, waiting for room at most the given
	 * time, returning a future completed once it is written (failed if it is dropped);
	 * may throw
	 * @param orphaned told of a line that took the place of a request whose line could
	 * then not be queued: it answers nobody
	 * @return completed with the answer
	 * @throws PipeSendException if the line could not be queued, the lock not taken
	 * within the send timeout, or the wait for it was interrupted
	 */
	CompletableFuture<byte[]> send(byte[] line, BiFunction<byte[], Duration, CompletableFuture<Void>> sender,
			Consumer<byte[]> orphaned) {
		Duration maxWait = lock();
		CompletableFuture<byte[]> answer = new RequestPlace();
		try {
			this.places.add(answer);
			CompletableFuture<Void> written;
			try {
				written = sender.apply(line, maxWait);
				Throwable dropped = written.isCompletedExceptionally() ? written.handle((ok, ex) -> ex).join() : null;
				if (dropped != null) {
					// Not queued (drop-newest tells only through the future).
					throw (dropped instanceof RuntimeException runtime) ? runtime : new IllegalStateException(dropped);
				}
			}
			catch (RuntimeException ex) {
				if (!this.places.remove(answer)) {
					// A line came while the send waited for room, and took this place:
					// it cannot answer a request that was never sent, and must not be
					// lost unseen.
					answer.thenAccept(orphaned);
				}
				throw ex;
			}
			written.whenComplete((ok, dropped) -> {
				if (dropped != null && this.places.remove(answer)) {
					answer.completeExceptionally(dropped);
				}
			});
		}
		finally {
			this.sendLock.unlock();
		}
		return answer;
	}

	/**
	 * Take the send lock, waiting at most the send timeout.
	 * @return how long the send may still wait for room
	 */
	private Duration lock() {
		String channel = this.settings.getChannel();
		try {
			if (this.maxWaitNanos == Long.MAX_VALUE) {
				this.sendLock.lockInterruptibly();
				return ChronoUnit.FOREVER.getDuration();
			}
			long deadline = System.nanoTime() + this.maxWaitNanos;
			if (!this.sendLock.tryLock(this.maxWaitNanos, TimeUnit.NANOSECONDS)) {
				throw new PipeSendException(channel,
						"Channel '" + channel + "': no room in the send queue for "
								+ Durations.format(this.settings.getSendTimeout())
								+ " (the line of another request waits for it); " + "is a client reading "
								+ this.settings.getOutPath() + "?");
			}
			return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PipeSendException(channel, "Channel '" + channel + "': interrupted while sending", ex);
		}
	}

	/**
	 * Give a line to the oldest waiting request, if there is one.
	 * @return {@link Answer#NONE_WAITING} if no request waits, {@link Answer#LATE} if the
	 * oldest had timed out (the line then answers nobody), else {@link Answer#ANSWERED}
	 */
	Answer answer(byte[] buffer, int offset, int length) {
		CompletableFuture<byte[]> oldest = this.places.poll();
		if (oldest == null) {
			return Answer.NONE_WAITING;
		}
		byte[] line = new byte[length];
		System.arraycopy(buffer, offset, line, 0, length);
		return oldest.complete(line) ? Answer.ANSWERED : Answer.LATE;
	}

	/**
	 * Fail the oldest waiting request, if there is one: the line that answered it could
	 * not be delivered.
	 * @param failure the exception its caller gets (unless it timed out already)
	 * @return whether a request waited: if not, the line was no answer
	 */
	boolean failOldest(RuntimeException failure) {
		CompletableFuture<byte[]> oldest = this.places.poll();
		if (oldest != null) {
			oldest.completeExceptionally(failure);
		}
		return oldest != null;
	}

	/**
	 * Fail every waiting request at once. A line read before their callers are told is
	 * still the answer of the oldest: taken out of the queue is not failed yet.
	 * @param failure the exception each caller gets
	 * @param whileNoneSent run while no request can be sent, after the requests were
	 * taken; and once before, so that a request waiting for room in the queue can go on
	 * and let go of the lock
	 * @return how many were failed (including timed-out ones that still held their place)
	 */
	int failAll(RuntimeException failure, Runnable whileNoneSent) {
		return failAll(failure, whileNoneSent, false, null);
	}

	/**
	 * Fail every waiting request at once, as a plug-in's exit does: while the lines it
	 * wrote are not all read ({@code exit} not reached), the failed requests keep their
	 * places, so those lines go to them as late answers, and {@code mark} stands behind
	 * them until {@link #exitReached} removes both. Marks of earlier exits not reached
	 * yet keep their places too, with the requests ahead of them, also when this exit has
	 * no mark.
	 * @param failure the exception each caller gets
	 * @param whileNoneSent as for {@link #failAll(RuntimeException, Runnable)}
	 * @param exit where the lines of the ended process end in the in pipe, and the mark
	 * that stands for it here; {@code null} if the end could not be marked
	 * @return how many were failed
	 */
	int failAll(RuntimeException failure, Runnable whileNoneSent, @Nullable Exit exit) {
		return failAll(failure, whileNoneSent, true, exit);
	}

	private int failAll(RuntimeException failure, Runnable whileNoneSent, boolean exited, @Nullable Exit exit) {
		// A request waiting for room in a full queue holds the lock, and only the discard
		// makes room once the other end is gone: take what waits and discard first, then
		// again under the lock for what was sent meanwhile.
		this.places.takeAll();
		whileNoneSent.run();
		this.sendLock.lock();
		try {
			this.places.takeAll();
			whileNoneSent.run();
			// The places and the mark go back before any caller is told: a caller told on
			// this thread (the lock is reentrant) that sends again at once is queued
			// behind the mark, not ahead of the lines the ended process left.
			List<CompletableFuture<byte[]>> failed = this.places.settle(exited, exit);
			// Completed under the lock: a caller that sees its request fail and sends
			// again is not failed too.
			failed.forEach((request) -> request.completeExceptionally(failure));
			return failed.size();
		}
		finally {
			this.sendLock.unlock();
		}
	}

	/**
	 * The reader reached the end of what an ended process wrote: the requests it did not
	 * answer give up their places, and the mark goes. Called on the thread that handles
	 * lines, between the last line before the mark and the first one after it.
	 * @param mark the mark
	 */
	void exitReached(ExitMark mark) {
		this.places.exitReached(mark);
	}

	/**
	 * Return when the oldest request was sent, if its caller timed it out and no line has
	 * answered it since: the other end is late, stuck, or skipped an answer (which shifts
	 * every later answer onto the request before its own).
	 * @return when it was sent, or {@code null} if the oldest waiting request has not
	 * timed out, or none waits
	 */
	@Nullable Instant unansweredSince() {
		return (this.places.oldest() instanceof RequestPlace oldest && oldest.timedOut()) ? oldest.sentAt() : null;
	}

	/**
	 * @return how many requests wait for their answer, timed-out ones included, and the
	 * failed ones that keep their places until the lines an ended process left are read
	 */
	int size() {
		return this.places.size();
	}

	/**
	 * Stands in the queue behind the requests a plug-in that exited did not answer, until
	 * the reader reaches the end of what it wrote: no request sent after it takes a line
	 * read before then. Never completed.
	 */
	static final class ExitMark extends CompletableFuture<byte[]> {

	}

	/**
	 * An exit: where the ended process's lines end in the in pipe, and its mark here.
	 *
	 * @param fence where its lines end
	 * @param mark what stands for it in the queue
	 */
	record Exit(InputFence fence, ExitMark mark) {

	}

	/**
	 * What became of a line offered as an answer.
	 */
	enum Answer {

		/** No request waits: the line is not an answer. */
		NONE_WAITING,

		/** It completed the oldest request. */
		ANSWERED,

		/** The oldest request had timed out: the line answers nobody. */
		LATE

	}

}
