package io.pipeio.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * One opened <em>in</em> FIFO and the platform thread reading it. The FIFO is opened twice: a
 * read-write "keep-alive" descriptor, which never blocks in {@code open} and keeps a writer on the
 * pipe so clients closing it never cause EOF, and a read-only descriptor the thread reads from.
 * Retiring the pipe (after it was deleted or replaced on disk) closes the keep-alive: the thread
 * then drains what attached clients still write and ends at EOF, when the last of them closes.
 *
 * @author pipe-io
 */
final class InboundPipe {

	private final PipeFile file;

	private final FileChannel keepAlive;

	private final FileChannel channel;

	private final LineDispatcher dispatcher;

	private final LineFramer framer;

	private final byte[] buffer;

	private final Thread thread;

	private volatile boolean closing;

	private InboundPipe(PipeFile file, FileChannel keepAlive, FileChannel channel, LineDispatcher dispatcher,
			int maxMessageSize, int bufferSize, String threadName, BiConsumer<InboundPipe, IOException> onFailure) {
		this.file = file;
		this.keepAlive = keepAlive;
		this.channel = channel;
		this.dispatcher = dispatcher;
		this.framer = dispatcher.newFramer(maxMessageSize);
		this.buffer = new byte[bufferSize];
		this.thread = new Thread(() -> run(onFailure), threadName);
		this.thread.setDaemon(true);
	}

	/**
	 * Open a FIFO that {@code expected} describes and start reading it.
	 * @param expected the FIFO as inspected before opening
	 * @param settings the channel settings
	 * @param dispatcher where lines go
	 * @param onFailure told when reading fails other than by {@link #close()}
	 * @return the running pipe
	 * @throws IOException if the FIFO cannot be opened or was swapped while opening
	 */
	static InboundPipe open(PipeFile expected, PipeServerSettings settings, LineDispatcher dispatcher,
			BiConsumer<InboundPipe, IOException> onFailure) throws IOException {
		FileChannel keepAlive = FileChannel.open(expected.path(), StandardOpenOption.READ, StandardOpenOption.WRITE,
				LinkOption.NOFOLLOW_LINKS);
		FileChannel channel = null;
		try {
			PipeFiles.requireUnchanged(expected);
			// Does not block: this process already holds a writer on the pipe (the keep-alive).
			channel = FileChannel.open(expected.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
			PipeFiles.requireUnchanged(expected);
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(channel);
			closeQuietly(keepAlive);
			throw ex;
		}
		InboundPipe pipe = new InboundPipe(expected, keepAlive, channel, dispatcher, settings.getMaxMessageSize(),
				settings.getBufferSize(), "pipe-io-" + settings.getChannel() + "-reader", onFailure);
		pipe.thread.start();
		return pipe;
	}

	private void run(BiConsumer<InboundPipe, IOException> onFailure) {
		ByteBuffer byteBuffer = ByteBuffer.wrap(this.buffer);
		try {
			while (this.dispatcher.awaitNotPaused()) {
				byteBuffer.clear();
				int read = this.channel.read(byteBuffer);
				if (read < 0) {
					break; // retired and every client closed its end
				}
				if (read > 0 && !this.dispatcher.dispatch(this.framer, this.buffer, read)) {
					break;
				}
			}
		}
		catch (ClosedChannelException ex) {
			// Closed by close(), or interrupted while stopping: the normal way out.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException ex) {
			if (!this.closing) {
				onFailure.accept(this, ex);
			}
		}
		finally {
			closeQuietly(this.channel);
			closeQuietly(this.keepAlive);
		}
	}

	/** @return the FIFO this pipe reads */
	PipeFile file() {
		return this.file;
	}

	/** @return whether the reading thread is still running */
	boolean isAlive() {
		return this.thread.isAlive();
	}

	/**
	 * Stop holding the pipe open: the thread reads until every attached client has closed it.
	 */
	void retire() {
		this.thread.setName(this.thread.getName() + "-retired");
		closeQuietly(this.keepAlive);
	}

	/**
	 * Close both descriptors, which releases a thread blocked in {@code read}; a chunk being
	 * dispatched is finished first.
	 */
	void close() {
		this.closing = true;
		closeQuietly(this.channel);
		closeQuietly(this.keepAlive);
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
