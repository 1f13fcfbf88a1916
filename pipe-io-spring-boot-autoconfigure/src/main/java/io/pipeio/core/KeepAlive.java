package io.pipeio.core;

import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;

/**
 * A non-daemon thread while channels are served. The engine's threads are daemons, so
 * that a handler call a stop gave up on never holds the JVM; without this thread, an
 * application that only serves channels (no web server) would exit as soon as its
 * {@code main} method returned, where one that only listens to Kafka or RabbitMQ runs on.
 *
 * @author pipe-io
 */
final class KeepAlive {

	private @Nullable CountDownLatch released;

	/** Start the thread, unless it runs. */
	synchronized void start() {
		if (this.released != null) {
			return;
		}
		CountDownLatch latch = new CountDownLatch(1);
		Thread thread = new Thread(() -> {
			try {
				latch.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "pipe-io-keep-alive");
		thread.setDaemon(false);
		thread.start();
		this.released = latch;
	}

	/** Let the thread end. */
	synchronized void stop() {
		CountDownLatch latch = this.released;
		this.released = null;
		if (latch != null) {
			latch.countDown();
		}
	}

}
