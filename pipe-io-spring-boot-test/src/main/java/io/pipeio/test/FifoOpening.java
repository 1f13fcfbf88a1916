package io.pipeio.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * Opens one end of a FIFO the way another process would, with a plain blocking
 * {@code open(2)}, but bounded. {@code open(2)} of a FIFO for reading only or writing
 * only waits for the other end, and neither {@link Thread#interrupt()} nor anything else
 * in Java releases it; so the open runs on a thread of its own and, when it overstays,
 * the FIFO is opened and closed once read-write from here: that supplies the missing
 * peer, the stuck {@code open} returns, and its descriptor is closed. A test then fails
 * with a message instead of hanging, and no thread is left behind.
 */
final class FifoOpening {

	/**
	 * The prefix of every thread of the test client, so a test can tell that none was
	 * left behind.
	 */
	static final String THREAD_PREFIX = "pipe-test-client-";

	private static final int TYPE_MASK = 0170000;

	private static final int FIFO = 0010000;

	private static final long MIN_OPEN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private static final long CREATED_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private FifoOpening() {
	}

	/**
	 * Open a FIFO for reading or for writing, waiting at most {@code timeout} for the
	 * other end.
	 * @param fifo the FIFO
	 * @param mode {@link StandardOpenOption#READ} or {@link StandardOpenOption#WRITE}
	 * @param timeout how long the FIFO, and then its other end, may take to appear
	 * @return the open channel
	 * @throws AssertionError if the FIFO did not appear, or nobody held its other end,
	 * within {@code timeout}
	 * @throws UncheckedIOException if the FIFO cannot be opened (for example, it is not
	 * this user's to open)
	 */
	static FileChannel open(Path fifo, StandardOpenOption mode, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		awaitCreated(fifo, deadline, timeout);
		requireFifo(fifo, mode);
		CompletableFuture<FileChannel> opening = new CompletableFuture<>();
		Thread opener = new Thread(() -> {
			try {
				opening.complete(FileChannel.open(fifo, mode));
			}
			catch (IOException | RuntimeException ex) {
				opening.completeExceptionally(ex);
			}
		}, THREAD_PREFIX + "open-" + fifo.getFileName());
		opener.setDaemon(true);
		opener.start();
		try {
			// A moment at least: a FIFO that appeared just now may well have its peer.
			return opening.get(Math.max(MIN_OPEN_NANOS, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			abandon(fifo, opener, opening);
			throw new AssertionError("Opening " + fifo + " for " + describe(mode) + " blocked for " + timeout.toMillis()
					+ "ms: no process holds its other end (is the channel started?)");
		}
		catch (InterruptedException ex) {
			abandon(fifo, opener, opening);
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while opening " + fifo, ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof IOException io) {
				throw new UncheckedIOException("Cannot open " + fifo + " for " + describe(mode), io);
			}
			throw new IllegalStateException("Cannot open " + fifo + " for " + describe(mode), cause);
		}
	}

	/**
	 * Wait for the FIFO to be there: a channel started a moment after the test's first
	 * step (or by it, such as one that does not start on its own) creates its pipes then.
	 * Polled: a test helper, for at most the timeout.
	 */
	private static void awaitCreated(Path fifo, long deadline, Duration timeout) {
		while (!Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)) {
			if (System.nanoTime() - deadline >= 0) {
				throw new AssertionError(fifo + " did not appear within " + timeout.toMillis()
						+ "ms: is its channel declared (pipe-io.channels.<name>) and started, and are its pipes"
						+ " at this path (its in-pipe and out-pipe settings)?");
			}
			if (Thread.currentThread().isInterrupted()) {
				throw new AssertionError("Interrupted while waiting for " + fifo + " to appear");
			}
			LockSupport.parkNanos(CREATED_POLL_NANOS);
		}
	}

	/**
	 * Refuse what is not a FIFO (or a link to one): a regular file would take the lines
	 * written to it without a word, and never answer.
	 */
	private static void requireFifo(Path fifo, StandardOpenOption mode) {
		int type;
		try {
			type = (Integer) Files.getAttribute(fifo, "unix:mode") & TYPE_MASK;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open " + fifo + " for " + describe(mode), ex);
		}
		if (type != FIFO) {
			throw new UncheckedIOException(new FileSystemException(fifo.toString(), null, "not a FIFO but "
					+ ((type == 0100000) ? "a regular file" : "a file of mode type 0" + Integer.toOctalString(type))
					+ ": is the channel's pipe configured elsewhere (in-pipe, out-pipe)?"));
		}
	}

	/**
	 * Release an opener stuck in {@code open(2)} and close whatever it opened, now or
	 * later.
	 */
	private static void abandon(Path fifo, Thread opener, CompletableFuture<FileChannel> opening) {
		opening.thenAccept(FifoOpening::closeQuietly);
		try {
			// Again and again: an opener that had not reached open(2) yet when the first
			// release came (a busy machine) would otherwise block for good. Bounded: a
			// FIFO deleted meanwhile cannot be reached any more, and its opener stays
			// blocked.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
			do {
				release(fifo);
				opener.join(20);
			}
			while (opener.isAlive() && System.nanoTime() < deadline);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Open and close a FIFO read-write: {@code O_RDWR} never blocks on Linux and counts
	 * as both a reader and a writer, so whoever waits in {@code open} for the other end
	 * returns.
	 */
	private static void release(Path fifo) {
		try {
			int mode = (Integer) Files.getAttribute(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS);
			if ((mode & TYPE_MASK) == FIFO) {
				FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)
					.close();
			}
		}
		catch (IOException | UnsupportedOperationException ex) {
			// Gone or not a FIFO: nobody can be waiting for its other end.
		}
	}

	static void closeQuietly(@Nullable FileChannel channel) {
		try {
			if (channel != null) {
				channel.close();
			}
		}
		catch (IOException ex) {
			// Closing a FIFO descriptor only fails when it is closed already.
		}
	}

	private static String describe(StandardOpenOption mode) {
		return (mode == StandardOpenOption.WRITE) ? "writing" : "reading";
	}

}
