package io.pipeio.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops many channels at once, each in its own short-lived thread with the whole timeout:
 * one channel whose client stopped reading must not use up the time the others need to
 * write their queued replies.
 *
 * @author pipe-io
 */
final class ChannelStopper {

	/** How long to wait beyond the timeout for channels to finish closing. */
	private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

	private ChannelStopper() {
	}

	static void stopAll(Collection<PipeChannel> channels, Duration timeout) {
		List<Thread> stoppers = new ArrayList<>();
		for (PipeChannel channel : channels) {
			if (!channel.isRunning()) {
				continue;
			}
			Thread stopper = new Thread(() -> channel.stop(timeout), "pipe-io-stop-" + channel.getName());
			stopper.setDaemon(true);
			stopper.start();
			stoppers.add(stopper);
		}
		long deadline = System.nanoTime() + timeout.toNanos() + GRACE_NANOS;
		try {
			for (Thread stopper : stoppers) {
				long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (remaining > 0) {
					stopper.join(remaining);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
