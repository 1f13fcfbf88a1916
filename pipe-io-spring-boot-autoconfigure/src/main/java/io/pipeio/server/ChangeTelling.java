package io.pipeio.server;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Tells a listener of changes in the order they were made, under no lock, one thread at a
 * time: a server's state changes and re-created pipes, a plug-in supervisor's starts and
 * exits.
 * <p>
 * A change made while the thread holds the owner's lock (a server's lifecycle lock, a
 * supervisor's) is that thread's to tell, once it has given the lock back
 * ({@link #tellPending(long)}): a listener that blocks (an event listener making a slow
 * call about a failure the watchdog saw) must not hold up a stop that waits for that
 * lock, and a caller may hold a lock of its own that a listener of its change takes
 * again. Any other change is told at once by the thread that made it, unless another
 * thread is telling: then that thread tells it after what it tells now. A thread telling
 * stops at a change another thread is to tell itself; a thread that gives up waiting for
 * its turn leaves its changes to whoever tells next.
 * <p>
 * Internal: public only for the other packages of pipe-io.
 *
 * @author pipe-io
 */
public final class ChangeTelling {

	/** Whether the calling thread holds the owner's lock. */
	private final BooleanSupplier holdsLock;

	/** Changes not told yet, oldest first; guarded by {@code this}. */
	private final Queue<Untold> untold = new ArrayDeque<>();

	/** The thread telling the changes, if any; guarded by {@code this}. */
	private @Nullable Thread teller;

	/**
	 * Create a telling for an owner.
	 * @param holdsLock whether the calling thread holds the owner's lock
	 */
	public ChangeTelling(BooleanSupplier holdsLock) {
		this.holdsLock = holdsLock;
	}

	/**
	 * Queue a change to be told; call {@link #tellUnlessHeldBack()} once out of the
	 * caller's own lock.
	 * @param call what tells the listener
	 */
	public synchronized void queue(Runnable call) {
		this.untold.add(new Untold(call, this.holdsLock.getAsBoolean() ? Thread.currentThread() : null));
	}

	/**
	 * Tell whether a thread is telling changes now.
	 * @param thread the thread
	 * @return whether it is
	 */
	public synchronized boolean isTelling(Thread thread) {
		return this.teller == thread;
	}

	/**
	 * Tell what is queued unless the calling thread holds the owner's lock, whose holder
	 * tells once it has given it back; not waiting for another thread telling.
	 */
	public void tellUnlessHeldBack() {
		if (!this.holdsLock.getAsBoolean()) {
			tellPending(0);
		}
	}

	/**
	 * Tell what is queued, from the oldest change on: the calling thread's own changes
	 * and those nobody else is to tell. While another thread tells changes made before
	 * this thread's, wait for it, at most the given time; then leave this thread's
	 * changes to it. A listener's exception reaches the caller once the rest is told.
	 * @param waitNanos how long to wait for another thread at most; zero waits not at all
	 */
	public void tellPending(long waitNanos) {
		Thread self = Thread.currentThread();
		long deadline = System.nanoTime() + waitNanos;
		synchronized (this) {
			while (true) {
				if (this.teller == self) {
					// a listener that stops the server from within: the loop further up
					// this thread's stack tells this thread's changes next
					return;
				}
				Untold next = this.untold.peek();
				if (next == null) {
					return;
				}
				if (this.teller == null && next.isFor(self)) {
					this.teller = self;
					break;
				}
				long left = deadline - System.nanoTime();
				if (left <= 0 || !waitQuietly(left)) {
					disown(self);
					return;
				}
			}
		}
		tellAll(self);
	}

	/**
	 * Tell what is queued, as {@link #tellPending(long)} does, after the caller's own
	 * work failed (a start or stop whose work under the lock threw): what a listener
	 * throws meanwhile is kept with that failure, suppressed, and the caller goes on to
	 * throw it.
	 * @param failure why the caller's work failed
	 * @param waitNanos how long to wait for another thread at most
	 */
	public void tellPendingAfter(Throwable failure, long waitNanos) {
		try {
			tellPending(waitNanos);
		}
		catch (Throwable ex) {
			// a checked one too, that a listener did not declare: the caller's failure is
			// still the one its caller must see
			if (ex != failure) {
				failure.addSuppressed(ex);
			}
		}
	}

	private void tellAll(Thread self) {
		Failures failures = new Failures();
		Runnable next;
		while ((next = nextFor(self)) != null) {
			try {
				next.run();
			}
			catch (Throwable ex) {
				// a checked one too, thrown by a listener that did not declare it (a
				// Kotlin listener): it must not leave this thread the teller for good
				failures.add(ex);
			}
		}
		failures.rethrow();
	}

	/**
	 * @return the next change for this thread to tell, or {@code null} once none is left
	 * or the next is another thread's, which is then woken to tell it
	 */
	private synchronized @Nullable Runnable nextFor(Thread self) {
		Untold next = this.untold.peek();
		if (next == null || !next.isFor(self)) {
			this.teller = null;
			// Changes this thread made behind it, from a listener that started or stopped
			// the server while this thread told, were left to this loop, which ends here:
			// whoever tells that other thread's change tells them after it.
			disown(self);
			notifyAll();
			return null;
		}
		this.untold.poll();
		return next.call;
	}

	private void disown(Thread self) {
		for (Untold change : this.untold) {
			if (change.owner == self) {
				change.owner = null;
			}
		}
	}

	private boolean waitQuietly(long nanos) {
		try {
			TimeUnit.NANOSECONDS.timedWait(this, nanos);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * A change not told yet.
	 */
	private static final class Untold {

		private final Runnable call;

		/** The thread that tells it, or {@code null}: whichever tells next. */
		private @Nullable Thread owner;

		Untold(Runnable call, @Nullable Thread owner) {
			this.call = call;
			this.owner = owner;
		}

		boolean isFor(Thread thread) {
			return this.owner == null || this.owner == thread;
		}

	}

	/**
	 * What listeners threw while changes were told: the first is rethrown as it was, once
	 * every change is told, with the others suppressed, an {@link Error} first.
	 */
	private static final class Failures {

		private @Nullable Throwable first;

		void add(Throwable ex) {
			Throwable kept = this.first;
			if (kept == null) {
				this.first = ex;
			}
			else if (ex instanceof Error && !(kept instanceof Error)) {
				ex.addSuppressed(kept);
				this.first = ex;
			}
			else if (kept != ex) {
				kept.addSuppressed(ex);
			}
		}

		void rethrow() {
			Throwable kept = this.first;
			if (kept != null) {
				throwAsItWas(kept);
			}
		}

		@SuppressWarnings("unchecked")
		private static <T extends Throwable> void throwAsItWas(Throwable ex) throws T {
			throw (T) ex;
		}

	}

}
