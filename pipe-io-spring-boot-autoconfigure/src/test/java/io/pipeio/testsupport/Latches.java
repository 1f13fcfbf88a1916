package io.pipeio.testsupport;

import java.util.concurrent.CountDownLatch;

/**
 * Waits on latches as code that ignores interruption would: a listener making a slow call
 * that a stop's interrupt does not cut short.
 */
public final class Latches {

	private Latches() {
	}

	/**
	 * Wait until the latch is released, whatever interrupts come meanwhile; the thread's
	 * interrupt status is set again afterwards if one came.
	 * @param latch the latch
	 */
	public static void awaitDeafly(CountDownLatch latch) {
		boolean interrupted = false;
		while (latch.getCount() > 0) {
			try {
				latch.await();
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

}
