package io.pipeio.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.pipeio.server.PipeServerState;

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
	static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

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
		for (PipeChannel channel : channels) {
			// Also one stopping on another thread (an operator's stop by name): its stop
			// here waits for that one, so that it is over when the channels' stop is.
			if (channel.getState() != PipeServerState.STOPPED) {
				stoppers.execute(() -> stop(channel, timeout));
			}
		}
		// Shut down, a thread ends once no channel is left for it, so joined threads mean
		// the stop is done and none outlives it. A channel still stopping at the deadline
		// finishes on its thread, as the stop of a single channel would.
		stoppers.shutdown();
		long deadline = System.nanoTime() + timeout.toNanos() + GRACE_NANOS;
		try {
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
		try {
			channel.stop(timeout);
		}
		catch (RuntimeException ex) {
			// The channel reports its own failure; the thread goes on to the next one.
		}
	}

	private static Thread newThread(Runnable task) {
		Thread thread = new Thread(task, "pipe-io-stop");
		thread.setDaemon(true);
		return thread;
	}

}
