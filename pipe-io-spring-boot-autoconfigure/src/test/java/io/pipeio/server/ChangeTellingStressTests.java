package io.pipeio.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ChangeTelling} under load: lifecycle lock holders that wait for their turn or
 * give up, threads that hold no lock, listeners that block for a moment or change the
 * state from within: every change is told once, in order.
 */
@Timeout(120)
class ChangeTellingStressTests {

	private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(5);

	private final ReentrantLock lifecycleLock = new ReentrantLock();

	private final ChangeTelling telling = new ChangeTelling(this.lifecycleLock::isHeldByCurrentThread);

	private final AtomicInteger queued = new AtomicInteger();

	private final List<Integer> told = new ArrayList<>();

	private final AtomicInteger outOfOrder = new AtomicInteger();

	private final AtomicInteger concurrentTellers = new AtomicInteger();

	private final AtomicInteger inListener = new AtomicInteger();

	@Test
	void everyChangeIsToldOnceInOrder() throws Exception {
		long end = System.nanoTime() + RUN_NANOS;
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			threads.add(new Thread(() -> {
				while (System.nanoTime() - end < 0) {
					lifecycleChange(ThreadLocalRandom.current().nextInt(3));
				}
			}, "lifecycle-" + i));
		}
		threads.add(new Thread(() -> {
			while (System.nanoTime() - end < 0) {
				queue();
				this.telling.tellUnlessHeldBack();
			}
		}, "engine"));
		threads.add(new Thread(() -> {
			while (System.nanoTime() - end < 0) {
				// a watchdog check: under the lock if it gets it, telling without waiting
				if (this.lifecycleLock.tryLock()) {
					try {
						queue();
					}
					finally {
						this.lifecycleLock.unlock();
					}
					this.telling.tellPending(0);
				}
				LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
			}
		}, "watchdog"));
		threads.forEach(Thread::start);
		for (Thread thread : threads) {
			thread.join(TimeUnit.SECONDS.toMillis(60));
			assertThat(thread.isAlive()).as(thread.getName() + " returned").isFalse();
		}
		List<Integer> snapshot;
		synchronized (this.told) {
			snapshot = new ArrayList<>(this.told);
		}
		assertThat(this.concurrentTellers).hasValue(0);
		assertThat(this.outOfOrder).hasValue(0);
		assertThat(snapshot.size()).as("changes told").isEqualTo(this.queued.get());
		for (int i = 0; i < snapshot.size(); i++) {
			assertThat(snapshot.get(i)).isEqualTo(i);
		}
	}

	/**
	 * A start or stop: changes under the lock, told after it with a wait of some kind.
	 */
	private void lifecycleChange(int kind) {
		this.lifecycleLock.lock();
		try {
			queue();
			queue();
		}
		finally {
			this.lifecycleLock.unlock();
		}
		long wait = switch (kind) {
			case 0 -> 0;
			case 1 -> TimeUnit.MICROSECONDS.toNanos(200);
			default -> TimeUnit.SECONDS.toNanos(10);
		};
		this.telling.tellPending(wait);
	}

	private void queue() {
		synchronized (this.telling) {
			int sequence = this.queued.getAndIncrement();
			this.telling.queue(() -> tell(sequence));
		}
	}

	private void tell(int sequence) {
		if (this.inListener.incrementAndGet() != 1) {
			this.concurrentTellers.incrementAndGet();
		}
		try {
			synchronized (this.told) {
				int expected = this.told.size();
				if (sequence != expected) {
					this.outOfOrder.incrementAndGet();
				}
				this.told.add(sequence);
			}
			int roll = ThreadLocalRandom.current().nextInt(1000);
			if (roll < 5) {
				// a listener that is slow for a moment
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
			}
			else if (roll < 10) {
				// a listener that stops the server from within
				this.inListener.decrementAndGet();
				try {
					lifecycleChange(2);
				}
				finally {
					this.inListener.incrementAndGet();
				}
			}
		}
		finally {
			this.inListener.decrementAndGet();
		}
	}

}
