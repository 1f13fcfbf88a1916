package io.pipeio.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The opened <em>out</em> FIFO and the single platform thread that writes queued lines to
 * it. The FIFO is opened read-write, so the server can write while no client reads (lines
 * wait in the pipe for the next reader) and {@code open} never blocks. Lines are copied
 * with their newline into one direct buffer and written in batches, never interleaved.
 *
 * @author pipe-io
 */
final class OutboundPipe implements PipeWriter {

	private static final byte NEWLINE = '\n';

	private final SendQueue queue;

	private final ChannelStatistics statistics;

	private final LostLines lostLines;

	private final int bufferSize;

	private final Thread thread;

	private volatile PipeFile file;

	/**
	 * Kept open as a handle on the FIFO, for counting what is lost when it is replaced.
	 */
	private volatile FifoDescriptor fifo;

	private volatile FileChannel channel;

	private volatile boolean aborted;

	/** Whether the pipe ends inside a line a writer before this one cut. */
	private final boolean cutLineLeft;

	/**
	 * The lines of the batch being written that the pipe took whole when writing it was
	 * cut short; the writing thread's only.
	 */
	private int takenWhole;

	private volatile @Nullable Throwable failure;

	private OutboundPipe(FifoDescriptor fifo, FileChannel channel, boolean cutLineLeft, SendQueue queue,
			ChannelStatistics statistics, LostLines lostLines, PipeServerSettings settings,
			Consumer<Throwable> onFailure) {
		this.fifo = fifo;
		this.cutLineLeft = cutLineLeft;
		this.file = fifo.file();
		this.channel = channel;
		this.queue = queue;
		this.statistics = statistics;
		this.lostLines = lostLines;
		this.bufferSize = settings.getBufferSize();
		this.thread = new Thread(() -> run(onFailure), "pipe-io-" + settings.getChannel() + "-writer");
		this.thread.setDaemon(true);
	}

	/**
	 * Start writing to an opened FIFO; the pipe owns the descriptor from now on.
	 * @param fifo the FIFO, opened and checked
	 * @param settings the channel settings
	 * @param queue where lines come from
	 * @param statistics counts sent lines
	 * @param lostLines takes the lines not written when the pipe ends
	 * @param onFailure told when writing fails
	 * @return the running pipe
	 * @throws IOException if the FIFO cannot be opened for writing
	 */
	static OutboundPipe open(FifoDescriptor fifo, PipeServerSettings settings, SendQueue queue,
			ChannelStatistics statistics, LostLines lostLines, Consumer<Throwable> onFailure) throws IOException {
		boolean cutLineLeft;
		try {
			cutLineLeft = CutOutLine.isLeftIn(fifo.descriptor(), settings.getBufferSize());
		}
		catch (IOException | RuntimeException ex) {
			fifo.close();
			throw ex;
		}
		FileChannel channel = openChannel(fifo);
		OutboundPipe pipe = new OutboundPipe(fifo, channel, cutLineLeft, queue, statistics, lostLines, settings,
				onFailure);
		pipe.thread.start();
		return pipe;
	}

	/**
	 * Open read-write: never blocks, and lets lines wait in the pipe while no client
	 * reads.
	 */
	private static FileChannel openChannel(FifoDescriptor fifo) throws IOException {
		try {
			return fifo.openChannel(StandardOpenOption.READ, StandardOpenOption.WRITE);
		}
		catch (IOException | RuntimeException ex) {
			fifo.close();
			throw ex;
		}
	}

	/**
	 * Switch to a re-created FIFO. Clients still reading the old one get what was already
	 * written to it, then EOF; if none reads it any more, the lines left in it are lost
	 * and counted as dropped ({@link DropReason#PIPE_REPLACED}).
	 * @param replacement the new FIFO, opened and checked
	 * @throws IOException if it cannot be opened
	 */
	@Override
	public void replace(FifoDescriptor replacement) throws IOException {
		FileChannel old = this.channel;
		FifoDescriptor oldFifo = this.fifo;
		// A writer of our own keeps the old pipe reachable once our readers of it are
		// closed. Opened before anything changes: if it cannot be, the writer goes on
		// with the old pipe, rather than with a replacement its caller then closes.
		int writer = oldFifo.openNonBlockingWriter();
		try {
			this.channel = openChannel(replacement);
			this.fifo = replacement;
			this.file = replacement.file();
			InboundPipe.closeQuietly(old);
			oldFifo.close();
			this.lostLines.unread(DropReason.PIPE_REPLACED, UnreadOutLines.count(writer, this.bufferSize));
		}
		finally {
			Posix.close(writer);
		}
	}

	@Override
	public long discardUnread(boolean cutLast) throws IOException {
		return UnreadOutLines.discard(this.fifo, this.lostLines, this.bufferSize, cutLast);
	}

	@Override
	public PipeFile file() {
		return this.file;
	}

	@Override
	public boolean isAlive() {
		return this.thread.isAlive();
	}

	/**
	 * @return what ended the thread other than a stop, or {@code null}
	 */
	@Override
	public @Nullable Throwable failure() {
		return this.failure;
	}

	/**
	 * Give up writing: release a write blocked on a full pipe and end the thread.
	 */
	@Override
	public void abort() {
		this.aborted = true;
		InboundPipe.closeQuietly(this.channel);
		this.thread.interrupt();
	}

	@Override
	public boolean join(long millis) throws InterruptedException {
		if (millis > 0) {
			this.thread.join(millis);
		}
		return !this.thread.isAlive();
	}

	private void run(Consumer<Throwable> onFailure) {
		ByteBuffer buffer = null;
		List<Object> batch = new ArrayList<>();
		try {
			if (this.cutLineLeft) {
				endCutLine();
			}
			while (this.queue.takeAll(batch)) {
				if (buffer == null) {
					// Allocated on first use: a channel that never sends costs no native
					// buffer.
					buffer = ByteBuffer.allocateDirect(this.bufferSize);
				}
				writeBatch(batch, buffer);
				batch.clear();
			}
		}
		catch (InterruptedException | ClosedChannelException ex) {
			if (!this.aborted) {
				failed(ex, onFailure); // not by stop: a stray interrupt
			}
		}
		catch (IOException | RuntimeException | Error ex) {
			failed(ex, onFailure);
		}
		finally {
			// One reason for every line the writer leaves, the one the channel was told:
			// a failure if it failed, also after a stop began. What abort() does to a
			// write (the channel closed under it, the thread interrupted) ends it with an
			// exception caught above as the stop's, not as a failure.
			DropReason reason = (this.failure != null) ? DropReason.WRITER_FAILED : DropReason.SHUTDOWN;
			Throwable ending = null;
			try {
				// What no client read goes with our descriptors, unless one still reads.
				UnreadOutLines.close(this.fifo, () -> {
					InboundPipe.closeQuietly(this.channel);
					this.fifo.close();
				}, this.lostLines, reason, this.bufferSize);
			}
			catch (RuntimeException | Error ex) {
				// such as an Error where the count of the unread lines is recorded: the
				// lines still held are accounted for all the same
				ending = ex;
			}
			try {
				// A batch is left only if writing it was cut short, and takenWhole says
				// how much of it the pipe took.
				CutBatch.account(batch, this.takenWhole, reason, this.queue, this.statistics, this.lostLines);
			}
			catch (RuntimeException | Error ex) {
				if (ending == null) {
					ending = ex;
				}
				else if (ending != ex) {
					ending.addSuppressed(ex);
				}
			}
			// Ends the thread, whose uncaught-exception handler reports it.
			if (ending instanceof Error error) {
				throw error;
			}
			if (ending != null) {
				throw (RuntimeException) ending;
			}
		}
	}

	/**
	 * End the line a writer before this one cut, before the first line of this one: a
	 * newline waits for room like any line, here on this thread.
	 */
	private void endCutLine() throws IOException {
		FileChannel target = this.channel;
		ByteBuffer newline = ByteBuffer.wrap(new byte[] { NEWLINE });
		try {
			while (newline.hasRemaining()) {
				target.write(newline);
			}
		}
		catch (ClosedChannelException ex) {
			if (this.aborted || target == this.channel) {
				throw ex;
			}
			// replaced meanwhile: the new pipe holds no line of another writer
		}
	}

	/**
	 * The thread ends other than by a stop, whatever the cause (an
	 * {@code OutOfMemoryError} too): the queue refuses new lines, so no sender waits for
	 * a writer that is gone, and the channel fails with the cause instead of looking
	 * healthy while nothing is written.
	 */
	private void failed(Throwable ex, Consumer<Throwable> onFailure) {
		this.failure = ex;
		this.queue.close();
		onFailure.accept(ex);
	}

	private void writeBatch(List<Object> batch, ByteBuffer buffer) throws IOException {
		this.takenWhole = 0;
		int from = 0;
		while (from < batch.size()) {
			// Again from the first line the old pipe did not take whole, if it was
			// replaced meanwhile.
			from = writeLines(batch, from, buffer);
		}
		written(batch);
	}

	/**
	 * Count lines as sent and complete their futures; the list is emptied, also if a
	 * future's callback throws, so that no line is accounted for twice.
	 */
	private void written(List<Object> lines) {
		long bytes = 0;
		for (Object entry : lines) {
			bytes += QueuedLines.lineOf(entry).length;
		}
		this.statistics.addSent(lines.size(), bytes);
		try {
			this.queue.completeWritten(lines);
		}
		finally {
			lines.clear();
		}
	}

	/**
	 * Write lines to the current pipe.
	 * @return the batch's size once all are written; if the pipe was replaced meanwhile,
	 * the first line it did not take whole, so that the new pipe's readers get whole
	 * lines only (the lines the old pipe took are its readers', or counted lost with it)
	 */
	private int writeLines(List<Object> batch, int from, ByteBuffer buffer) throws IOException {
		FileChannel target = this.channel;
		buffer.clear();
		long taken = 0;
		try {
			for (int i = from; i < batch.size(); i++) {
				byte[] line = QueuedLines.lineOf(batch.get(i));
				int position = 0;
				while (position <= line.length) {
					if (!buffer.hasRemaining()) {
						long flushed = flush(buffer, target);
						if (flushed < 0) {
							return QueuedLines.firstNotTaken(batch, from, taken + buffer.position());
						}
						taken += flushed;
					}
					if (position == line.length) {
						buffer.put(NEWLINE);
						position++;
					}
					else {
						int length = Math.min(buffer.remaining(), line.length - position);
						buffer.put(line, position, length);
						position += length;
					}
				}
			}
			long flushed = flush(buffer, target);
			return (flushed < 0) ? QueuedLines.firstNotTaken(batch, from, taken + buffer.position()) : batch.size();
		}
		catch (IOException ex) {
			// Cut short by a stop or a failure: the buffer's position says how much of
			// the flush the pipe took.
			this.takenWhole = QueuedLines.firstNotTaken(batch, from, taken + buffer.position());
			throw ex;
		}
	}

	/**
	 * Write the buffer to a pipe.
	 * @return the bytes written, or -1 if the pipe was replaced first; the buffer's
	 * position then says how much of it the old pipe took
	 */
	private long flush(ByteBuffer buffer, FileChannel target) throws IOException {
		buffer.flip();
		int length = buffer.limit();
		while (buffer.hasRemaining()) {
			try {
				target.write(buffer);
			}
			catch (ClosedChannelException ex) {
				if (this.aborted || target == this.channel) {
					throw ex;
				}
				return -1;
			}
		}
		buffer.clear();
		return length;
	}

}
