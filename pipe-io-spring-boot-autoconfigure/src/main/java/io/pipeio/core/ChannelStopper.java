package io.pipeio.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops many channels at once, each on a thread of its own with the whole timeout: one
 * channel whose client stopped reading must not use up the time the others need to write
 * their queued replies. The threads are reused: a channel with nothing left to write
 * stops in well under a millisecond, and starting a new thread for each of thousands of
 * channels took most of the time the application needed to stop (9,000 channels: about
 * three seconds of thread starts). A new thread is started only when every thread is busy
 * stopping a channel, so a channel never waits for another.
 *
 * @author pipe-io
 */
final class ChannelStopper {

	/** How long to wait beyond the timeout for channels to finish closing. */
	private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

	private ChannelStopper() {
	}

	static void stopAll(Collection<PipeChannel> channels, Duration timeout) {
		List<Thread> threads = new CopyOnWriteArrayList<>();
		ThreadPoolExecutor stoppers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS,
				new SynchronousQueue<>(), (task) -> {
					Thread thread = newThread(task);
					threads.add(thread);
					return thread;
				});
		List<Future<?>> stops = new ArrayList<>();
		for (PipeChannel channel : channels) {
			if (channel.isRunning()) {
				stops.add(stoppers.submit(() -> stop(channel, timeout)));
			}
		}
		long deadline = System.nanoTime() + timeout.toNanos() + GRACE_NANOS;
		// Idle threads end now, busy ones once their channel stopped.
		stoppers.shutdown();
		try {
			for (Future<?> stop : stops) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					break;
				}
				try {
					stop.get(remaining, TimeUnit.NANOSECONDS);
				}
				catch (ExecutionException | TimeoutException ex) {
					// A channel reports its own failure; one still stopping is left to
					// finish on its thread, as the stop of a single channel would.
				}
			}
			// Done here means gone: no thread of a stopped channel outlives the stop.
			for (Thread thread : threads) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					break;
				}
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void stop(PipeChannel channel, Duration timeout) {
		// Named after the channel it stops, so a thread dump shows which one takes long.
		Thread.currentThread().setName("pipe-io-stop-" + channel.getName());
		channel.stop(timeout);
	}

	private static Thread newThread(Runnable task) {
		Thread thread = new Thread(task, "pipe-io-stop");
		thread.setDaemon(true);
		return thread;
	}

}
