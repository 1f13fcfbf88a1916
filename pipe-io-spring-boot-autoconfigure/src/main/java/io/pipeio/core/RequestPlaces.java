package io.pipeio.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jspecify.annotations.Nullable;

/**
 * The places of a channel's requests in the order of their lines, with the marks of
 * plug-in exits between them: which request a line read now answers. Requests being
 * failed keep their places until their callers are told, and, after an exit whose lines
 * are not all read, until the reader reaches its mark.
 *
 * @author pipe-io
 */
final class RequestPlaces {

	private final ConcurrentLinkedQueue<CompletableFuture<byte[]>> waiting = new ConcurrentLinkedQueue<>();

	/**
	 * Guards taking from the head of {@link #waiting} against failing all and marking an
	 * exit; never held while waiting for anything.
	 */
	private final Object headLock = new Object();

	/**
	 * How many exit marks are in {@link #waiting} and {@link #beingFailed}; written under
	 * the head lock.
	 */
	private volatile int marks;

	/**
	 * The requests {@link #takeAll} took from {@link #waiting} to be failed, whose
	 * callers are not told yet, oldest first, with the exit marks between them;
	 * {@code null} when none is being failed. Guarded by the head lock. Failing all comes
	 * one call at a time (a plug-in's exits one after the other, a stop once its plug-in
	 * stopped); one overlapping another would settle what the other took.
	 */
	private @Nullable ArrayDeque<CompletableFuture<byte[]>> beingFailed;

	/**
	 * Whether a request was ever placed: most channels never make one, and every line
	 * they read then skips the head lock. Set before the first request is queued, so a
	 * line read while it is still false came before that request and answers none.
	 */
	private volatile boolean used;

	/**
	 * Place a request behind every other.
	 * @param request the request
	 */
	void add(CompletableFuture<byte[]> request) {
		if (!this.used) {
			this.used = true;
		}
		this.waiting.add(request);
	}

	/**
	 * Give up a request's place, unless a line took it or it is being failed.
	 * @param request the request
	 * @return whether it still had its place
	 */
	boolean remove(CompletableFuture<byte[]> request) {
		return this.waiting.remove(request);
	}

	/**
	 * Take the oldest request, unless none waits or an exit mark comes first: a line read
	 * before the mark was written by a process that has ended, and answers no request
	 * sent after it.
	 * @return the request, or {@code null}
	 */
	@Nullable CompletableFuture<byte[]> poll() {
		if (!this.used) {
			// Only an exit's mark can be placed without a request, and it answers
			// nothing.
			return null;
		}
		synchronized (this.headLock) {
			if (this.beingFailed != null && !this.beingFailed.isEmpty()) {
				// Taken to be failed, not told yet: a line read now is still its answer,
				// unless an exit's mark stands first.
				return (this.beingFailed.peek() instanceof PendingRequests.ExitMark) ? null : this.beingFailed.poll();
			}
			return (this.waiting.peek() instanceof PendingRequests.ExitMark) ? null : this.waiting.poll();
		}
	}

	/**
	 * Take every waiting request, and the marks between them, into {@link #beingFailed},
	 * where lines read until the requests are told still answer them.
	 */
	void takeAll() {
		synchronized (this.headLock) {
			CompletableFuture<byte[]> next;
			while ((next = this.waiting.poll()) != null) {
				if (this.beingFailed == null) {
					this.beingFailed = new ArrayDeque<>();
				}
				this.beingFailed.add(next);
			}
		}
	}

	/**
	 * Hand over the requests taken to be failed that no line answered meanwhile. After a
	 * stop, the marks of earlier exits go. After an exit whose mark the reader has not
	 * reached, everything taken goes back, marks of earlier exits in their places, with
	 * this exit's mark behind: the lines still to be read are the late answers of the
	 * requests ahead of the mark they come before, or, read before the request's failure
	 * is told, its answer. After an exit without a mark (or one reached already), what
	 * stands up to the last earlier mark goes back, and the requests after it give up
	 * their places.
	 * @param exited whether a plug-in exited, rather than the channel stopping
	 * @param exit the exit's mark, if any
	 * @return the requests to fail
	 */
	List<CompletableFuture<byte[]>> settle(boolean exited, PendingRequests.@Nullable Exit exit) {
		synchronized (this.headLock) {
			List<CompletableFuture<byte[]>> taken = (this.beingFailed != null) ? new ArrayList<>(this.beingFailed)
					: List.of();
			this.beingFailed = null;
			// Reached from here on, its action waits for the lock and finds the mark.
			PendingRequests.ExitMark behind = (exit != null && !exit.fence().isReached()) ? exit.mark() : null;
			int kept = 0;
			if (behind != null) {
				kept = taken.size();
			}
			else if (exited) {
				for (int i = 0; i < taken.size(); i++) {
					if (taken.get(i) instanceof PendingRequests.ExitMark) {
						kept = i + 1;
					}
				}
			}
			List<CompletableFuture<byte[]>> failed = new ArrayList<>(taken.size());
			for (int i = 0; i < taken.size(); i++) {
				CompletableFuture<byte[]> next = taken.get(i);
				if (i < kept) {
					this.waiting.add(next);
				}
				else if (next instanceof PendingRequests.ExitMark) {
					this.marks--;
				}
				if (!(next instanceof PendingRequests.ExitMark)) {
					failed.add(next);
				}
			}
			if (behind != null) {
				this.waiting.add(behind);
				this.marks++;
			}
			return failed;
		}
	}

	/**
	 * The reader reached the end of what an ended process wrote: the requests it did not
	 * answer give up their places, and the mark goes. Called on the thread that handles
	 * lines, between the last line before the mark and the first one after it.
	 * @param mark the mark
	 */
	void exitReached(PendingRequests.ExitMark mark) {
		synchronized (this.headLock) {
			Queue<CompletableFuture<byte[]>> queue = this.waiting;
			if (this.beingFailed != null && this.beingFailed.contains(mark)) {
				queue = this.beingFailed; // taken to be failed, not settled yet
			}
			else if (!this.waiting.contains(mark)) {
				return; // taken by a stop, or never placed
			}
			CompletableFuture<byte[]> next;
			while ((next = queue.poll()) != mark) {
				// A failed request whose answer never came, or the mark of an earlier
				// exit whose action comes late (its reader ended, and the watchdog runs
				// it).
				if (next instanceof PendingRequests.ExitMark) {
					this.marks--;
				}
			}
			this.marks--;
		}
	}

	/**
	 * @return the oldest request that has its place and is not being failed, or an exit's
	 * mark that stands before any, or {@code null}
	 */
	@Nullable CompletableFuture<byte[]> oldest() {
		return this.waiting.peek();
	}

	/**
	 * @return how many requests have their places, failed ones included
	 */
	int size() {
		// Under the head lock: a mark is taken from the queue and uncounted in one step.
		synchronized (this.headLock) {
			int taken = (this.beingFailed != null) ? this.beingFailed.size() : 0;
			return this.waiting.size() + taken - this.marks;
		}
	}

}
