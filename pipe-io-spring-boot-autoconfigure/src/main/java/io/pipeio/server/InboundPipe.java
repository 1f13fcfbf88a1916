package io.pipeio.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * One opened <em>in</em> FIFO and the platform thread reading it. Besides the checked native
 * descriptor through which it was opened (see {@link FifoDescriptor}), the FIFO is open twice: a
 * read-write "keep-alive" channel, which keeps a writer on the pipe so clients closing it never
 * cause EOF, and a read-only channel the thread reads from. Both are opened through the native
 * descriptor, never by path, so they are the checked file whatever happens to the path.
 * Retiring the pipe (after it was deleted or replaced on disk) closes the keep-alive: the thread
 * then drains what attached clients still write and ends at EOF, when the last of them closes.
 * <p>
 * The read-only descriptor may be closed under the thread without stopping it: by
 * {@link #holdBack()}, so that a paused channel leaves incoming bytes in the pipe instead of holding
 * a chunk it already took, or by a stray interrupt. The thread then reads on through a new one.
 *
 * @author pipe-io
 */
final class InboundPipe {

	/** How long {@link #holdBack()} waits for the thread to leave {@code read}. */
	private static final long HOLD_BACK_NANOS = 1_000_000_000L;

	private final FifoDescriptor fifo;

	private final FileChannel keepAlive;

	private volatile FileChannel channel;

	private final LineDispatcher dispatcher;

	private final LineFramer framer;

	private final byte[] buffer;

	private final Thread thread;

	private volatile boolean closing;

	private volatile boolean retired;

	/** Set from just before the thread checks for a pause until its read returned. */
	private volatile boolean reading;

	private InboundPipe(FifoDescriptor fifo, FileChannel keepAlive, FileChannel channel, LineDispatcher dispatcher,
			int maxMessageSize, int bufferSize, String threadName, BiConsumer<InboundPipe, Throwable> onFailure) {
		this.fifo = fifo;
		this.keepAlive = keepAlive;
		this.channel = channel;
		this.dispatcher = dispatcher;
		this.framer = dispatcher.newFramer(maxMessageSize);
		this.buffer = new byte[bufferSize];
		this.thread = new Thread(() -> run(onFailure), threadName);
		this.thread.setDaemon(true);
	}

	/**
	 * Start reading an opened FIFO. The pipe owns the descriptor from now on, also if this fails.
	 * @param fifo the FIFO, opened and checked
	 * @param settings the channel settings
	 * @param dispatcher where lines go
	 * @param onFailure told when reading fails other than by {@link #close()}, and of any unexpected
	 * failure on the way to the handler
	 * @return the running pipe
	 * @throws IOException if the FIFO cannot be opened for reading
	 */
	static InboundPipe open(FifoDescriptor fifo, PipeServerSettings settings, LineDispatcher dispatcher,
			BiConsumer<InboundPipe, Throwable> onFailure) throws IOException {
		FileChannel keepAlive = null;
		FileChannel channel;
		try {
			// Read-write first: it never blocks, and then the read-only open finds a writer.
			keepAlive = fifo.openChannel(StandardOpenOption.READ, StandardOpenOption.WRITE);
			channel = fifo.openChannel(StandardOpenOption.READ);
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(keepAlive);
			fifo.close();
			throw ex;
		}
		InboundPipe pipe = new InboundPipe(fifo, keepAlive, channel, dispatcher, settings.getMaxMessageSize(),
				settings.getBufferSize(), "pipe-io-" + settings.getChannel() + "-reader", onFailure);
		pipe.thread.start();
		return pipe;
	}

	private void run(BiConsumer<InboundPipe, Throwable> onFailure) {
		ByteBuffer byteBuffer = ByteBuffer.wrap(this.buffer);
		try {
			while (this.dispatcher.awaitNotPaused()) {
				int read = read(byteBuffer);
				if (read < 0) {
					break; // retired and every client closed its end
				}
				if (read > 0 && !dispatch(read, onFailure)) {
					break;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException ex) {
			if (!this.closing) {
				onFailure.accept(this, ex);
			}
		}
		catch (RuntimeException | Error ex) {
			onFailure.accept(this, ex); // even reporting failed: the thread ends, the watchdog starts another
		}
		finally {
			closeQuietly(this.channel);
			closeQuietly(this.keepAlive);
			this.fifo.close();
		}
	}

	/**
	 * Dispatch a chunk. A failure on the way that is not the handler's (which the dispatcher catches
	 * per line) — an {@code OutOfMemoryError} while assembling a line, a listener throwing — is
	 * reported and reading goes on: ending the thread would close the pipe's last reader under the
	 * attached clients, whose next write would then fail with EPIPE. The rest of the chunk is lost,
	 * and a line it ended inside is skipped up to its newline rather than delivered as a fragment.
	 */
	private boolean dispatch(int read, BiConsumer<InboundPipe, Throwable> onFailure) throws InterruptedException {
		try {
			return this.dispatcher.dispatch(this.framer, this.buffer, read);
		}
		catch (RuntimeException | Error ex) {
			this.framer.resync(this.buffer[read - 1] != '\n');
			onFailure.accept(this, ex);
			return true;
		}
	}

	/**
	 * Read the next chunk.
	 * @return the bytes read; 0 if nothing was read because the channel was paused meanwhile or the
	 * descriptor was closed under the thread; -1 at EOF
	 */
	private int read(ByteBuffer byteBuffer) throws IOException {
		if (!this.channel.isOpen()) {
			reopen();
		}
		FileChannel current = this.channel;
		this.reading = true;
		try {
			// Checked after announcing the read, while pause() sets the flag before it looks at
			// reading: either this sees the pause, or holdBack() sees the read and ends it.
			if (this.dispatcher.isPaused()) {
				return 0;
			}
			byteBuffer.clear();
			return current.read(byteBuffer);
		}
		catch (ClosedChannelException ex) {
			if (this.closing) {
				throw ex;
			}
			Thread.interrupted(); // a stray interrupt closed it: clear it, or the next read fails too
			return 0;
		}
		finally {
			this.reading = false;
		}
	}

	/** Open a new read-only descriptor after the last one was closed other than by {@link #close()}. */
	private void reopen() throws IOException {
		if (this.closing) {
			throw new ClosedChannelException();
		}
		// Through the descriptor, which retire() closes: a retired pipe is not read again this way.
		FileChannel reopened = this.fifo.openChannel(StandardOpenOption.READ);
		this.channel = reopened;
		// close() sets closing before it closes the channel: one of the two sees the other.
		if (this.closing) {
			closeQuietly(reopened);
			throw new ClosedChannelException();
		}
	}

	/** @return the FIFO this pipe reads */
	PipeFile file() {
		return this.fifo.file();
	}

	/** @return whether the reading thread is still running */
	boolean isAlive() {
		return this.thread.isAlive();
	}

	/**
	 * Stop holding the pipe open: the thread reads until every attached client has closed it.
	 */
	void retire() {
		this.retired = true;
		this.thread.setName(this.thread.getName() + "-retired");
		closeDescriptors();
	}

	/**
	 * Called once the dispatcher is paused: make sure the thread takes no more bytes from the pipe.
	 * A thread blocked in {@code read} is released by closing its read-only descriptor, which takes
	 * nothing from the pipe (the keep-alive keeps it open). A retired pipe is left alone: it could not
	 * be reopened, and at most one chunk of it waits in memory for the resume.
	 */
	void holdBack() {
		if (this.retired || !this.reading || Thread.currentThread() == this.thread) {
			return;
		}
		closeQuietly(this.channel);
		long deadline = System.nanoTime() + HOLD_BACK_NANOS;
		while (this.reading && System.nanoTime() - deadline < 0) {
			LockSupport.parkNanos(100_000);
		}
	}

	/**
	 * Close both descriptors, which releases a thread blocked in {@code read}; a chunk being
	 * dispatched is finished first.
	 */
	void close() {
		this.closing = true;
		closeQuietly(this.channel);
		closeDescriptors();
	}

	/**
	 * Close the native descriptor, then the keep-alive. In this order a reopen under way (it holds
	 * the descriptor's lock) still finds the keep-alive's writer and returns at once, instead of
	 * blocking in {@code open} with the lock held.
	 */
	private void closeDescriptors() {
		this.fifo.close();
		closeQuietly(this.keepAlive);
	}

	/** Mark a thread that did not end when stopped in its name, for thread dumps and messages. */
	void abandon() {
		if (this.thread.isAlive()) {
			this.thread.setName(this.thread.getName() + "-abandoned");
		}
	}

	/** Interrupt the thread, for a handler that does not return in time. */
	void interrupt() {
		this.thread.interrupt();
	}

	/**
	 * Wait for the thread to end.
	 * @param millis at most this long
	 * @return whether it ended
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean join(long millis) throws InterruptedException {
		if (millis > 0) {
			this.thread.join(millis);
		}
		return !this.thread.isAlive();
	}

	static void closeQuietly(@Nullable FileChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// Closing a pipe descriptor fails only if it is already gone.
			}
		}
	}

}
