package io.pipeio.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * One opened <em>in</em> FIFO and the platform thread reading it, through a blocking
 * read-only channel opened via the checked native descriptor ({@link FifoDescriptor}),
 * never by path.
 * <p>
 * The server holds no writer on the pipe, so a read returns EOF exactly when every client
 * has left: a partial line then is a departed client's and is dropped (never glued to the
 * next client's first line), and the channel reports the client gone. The thread then
 * waits for the next client in {@link WriterWait}, which neither spins nor misses one
 * that came and went meanwhile.
 * <p>
 * Stopping drains: the thread reads what is still in the pipe, without waiting for more,
 * and dispatches it while the dispatcher takes lines; what it can no longer dispatch is
 * counted as dropped ({@link DropReason#SHUTDOWN}). A retired pipe (deleted or replaced
 * on disk) is read until its last client leaves. The read-only channel may be closed
 * under the thread without stopping it: by {@link #holdBack()}, so that a paused channel
 * leaves incoming bytes in the pipe, or by a stray interrupt; the thread then reads on
 * through a new one.
 *
 * @author pipe-io
 */
final class InboundPipe implements PipeReader {

	/** How long {@link #holdBack()} waits for the thread to leave {@code read}. */
	private static final long HOLD_BACK_NANOS = 1_000_000_000L;

	private final FifoDescriptor fifo;

	private final WriterWait writerWait;

	private volatile FileChannel channel;

	private final LineDispatcher dispatcher;

	private final LineFramer framer;

	private final ReadChunks chunks;

	private final byte[] buffer;

	/**
	 * Whether the server created the FIFO and removes it at the stop ({@link StopDrain}).
	 */
	private final boolean removedAtStop;

	private final Thread thread;

	/** Told when reading fails other than by {@link #close()}, and of any failure. */
	private final BiConsumer<PipeReader, Throwable> onFailure;

	private volatile boolean closing;

	private volatile boolean retired;

	/** Set from just before the thread checks for a pause until its read returned. */
	private volatile boolean reading;

	/**
	 * How many bytes the thread took from the pipe; written before {@link #reading} is
	 * cleared, so a thread that saw it cleared sees the count.
	 */
	private long taken;

	/**
	 * Whether a client has written since the last EOF; only the reading thread uses it.
	 */
	private boolean clientPresent;

	/**
	 * Whether a writer came since the last EOF: the first read of a pipe nobody opened
	 * yet sees an EOF too. Only the reading thread uses it.
	 */
	private boolean writerCame;

	/** Whether the stop's drain ran; only the reading thread uses it. */
	private boolean drained;

	/** Tells at the first EOF whether a writer came and went before it. */
	private final FirstEndWitness witness;

	private InboundPipe(FifoDescriptor fifo, boolean removedAtStop, FileChannel channel, LineDispatcher dispatcher,
			PipeServerSettings settings, BiConsumer<PipeReader, Throwable> onFailure) {
		this.fifo = fifo;
		this.removedAtStop = removedAtStop;
		this.writerWait = new WriterWait(fifo);
		// Before any client the server knows of can open the pipe.
		this.witness = FirstEndWitness.open(fifo);
		this.channel = channel;
		this.dispatcher = dispatcher;
		this.framer = dispatcher.newFramer(settings.getMaxMessageSize());
		this.chunks = new ReadChunks(dispatcher, this.framer, (ex) -> onFailure.accept(this, ex));
		this.buffer = new byte[settings.getBufferSize()];
		this.onFailure = onFailure;
		this.thread = new Thread(this::run, "pipe-io-" + settings.getChannel() + "-reader");
		this.thread.setDaemon(true);
	}

	/**
	 * Start reading an opened FIFO. The pipe owns the descriptor from now on, also if
	 * this fails.
	 * @param fifo the FIFO, opened and checked
	 * @param removedAtStop whether the server removes the FIFO at the stop
	 * @param settings the channel settings
	 * @param dispatcher where lines go
	 * @param onFailure told when reading fails other than by {@link #close()}, and of any
	 * unexpected failure on the way to the handler
	 * @return the running pipe
	 * @throws IOException if the FIFO cannot be opened for reading
	 */
	static InboundPipe open(FifoDescriptor fifo, boolean removedAtStop, PipeServerSettings settings,
			LineDispatcher dispatcher, BiConsumer<PipeReader, Throwable> onFailure) throws IOException {
		FileChannel channel;
		try {
			channel = fifo.openReader();
		}
		catch (IOException | RuntimeException ex) {
			fifo.close();
			throw ex;
		}
		InboundPipe pipe = new InboundPipe(fifo, removedAtStop, channel, dispatcher, settings, onFailure);
		pipe.thread.start();
		return pipe;
	}

	private void run() {
		ByteBuffer byteBuffer = ByteBuffer.wrap(this.buffer);
		try {
			while (!this.closing && this.dispatcher.awaitNotPaused()) {
				int read = read(byteBuffer);
				if (read > 0) {
					this.writerCame = true;
					arrived();
					if (!this.chunks.dispatchTaken(this.buffer, read)) {
						break;
					}
				}
				else if (read < 0) {
					// Every writer has left: nobody can complete a partial line any more.
					if (!this.retired) {
						try {
							this.writerWait.watch();
						}
						catch (IOException ex) {
							// told first all the same: await() opens its own, or fails
						}
					}
					// Asked at the first end whatever a read saw, so that it is closed
					// then. A client that came since the end was read, and that the
					// watcher saw already, is the next wait's to tell: the witness
					// reports it too.
					boolean witnessed = this.witness.writerCameAndWent() && !this.writerWait.watchedAClient();
					this.dispatcher.endOfStream(this.framer, this.writerCame || witnessed);
					this.writerCame = false;
					presence(false);
					if (this.retired) {
						break;
					}
					// Returns once a client wrote, or came and went, or when woken by
					// close or retire: the loop decides, and a retired pipe is read once
					// more for what a client left.
					this.writerCame = this.writerWait.await();
				}
			}
			if (this.closing) {
				drain();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			if (this.closing && !this.drained) {
				// The stop gave up waiting before the drain: what the pipe holds is
				// still counted, the dispatcher closed.
				drainInterrupted();
			}
		}
		catch (IOException ex) {
			if (!this.closing) {
				this.onFailure.accept(this, ex);
			}
		}
		catch (RuntimeException | Error ex) {
			// even reporting failed: the thread ends, the watchdog starts another
			this.onFailure.accept(this, ex);
		}
		finally {
			this.witness.close();
			this.writerWait.close();
			closeQuietly(this.channel);
			this.fifo.close();
			presence(false);
		}
	}

	private void drain() throws IOException, InterruptedException {
		this.drained = true; // once: a second drain would count the sealed pipe again
		new StopDrain(this.fifo, this.dispatcher, this.framer, this.buffer, this.removedAtStop)
			.drain((read) -> this.chunks.dispatch(this.buffer, read));
	}

	private void drainInterrupted() {
		try {
			drain();
		}
		catch (IOException ex) {
			// stopping: what could not be counted goes with the pipe
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Tell of a client's arrival, between reading its first chunk and handling it: a
	 * listener failing on it is reported, and the chunk is still handled.
	 */
	private void arrived() {
		try {
			presence(true);
		}
		catch (RuntimeException | Error ex) {
			this.onFailure.accept(this, ex);
		}
	}

	/**
	 * Report a client's arrival or the last one's departure, also for a retired pipe: the
	 * channel has a client while any of its pipes has one.
	 */
	private void presence(boolean present) {
		if (this.clientPresent != present) {
			this.clientPresent = present;
			this.dispatcher.clientPresence(this, present);
		}
	}

	/**
	 * Read the next chunk.
	 * @return the bytes read; 0 if nothing was read because the channel was paused
	 * meanwhile or the descriptor was closed under the thread; -1 at EOF (every writer
	 * has left)
	 */
	private int read(ByteBuffer byteBuffer) throws IOException {
		if (!this.channel.isOpen()) {
			reopen();
		}
		FileChannel current = this.channel;
		this.reading = true;
		try {
			// Checked after announcing the read, while pause() sets the flag before it
			// looks at reading: either this sees the pause, or holdBack() sees the read
			// and ends it.
			if (this.dispatcher.isReadingHeld() || this.closing) {
				return 0;
			}
			byteBuffer.clear();
			int read = current.read(byteBuffer);
			if (read > 0) {
				this.taken += read;
			}
			return read;
		}
		catch (ClosedChannelException ex) {
			// closed by stop, pause or a stray interrupt: clear it, the loop decides
			Thread.interrupted();
			return 0;
		}
		finally {
			this.reading = false;
		}
	}

	/** Open a new read-only channel after the last one was closed under the thread. */
	private void reopen() throws IOException {
		if (this.closing) {
			return; // the loop ends and drains
		}
		// The open holds a writer for a moment, which the witness would take for a
		// client that came and went; one that did so before is a departure still.
		boolean cameAndWent = this.witness.suspend();
		FileChannel reopened = this.fifo.openReader();
		this.witness.watchAgain(this.fifo);
		this.writerCame |= cameAndWent;
		this.channel = reopened;
		// close() sets closing before it closes the channel: one of the two sees the
		// other.
		if (this.closing) {
			closeQuietly(reopened);
		}
	}

	/**
	 * @return the FIFO this pipe reads
	 */
	@Override
	public PipeFile file() {
		return this.fifo.file();
	}

	/**
	 * @return whether the reading thread is still running
	 */
	@Override
	public boolean isAlive() {
		return this.thread.isAlive();
	}

	/**
	 * The pipe was deleted or replaced on disk: read it until every attached client has
	 * left, then end. The new pipe has partial lines of its own; the channel has a client
	 * while either pipe has one.
	 */
	@Override
	public void retire() {
		this.retired = true;
		this.thread.setName(this.thread.getName() + "-retired");
		this.writerWait.wake();
	}

	/**
	 * Called once the dispatcher is paused: make sure the thread takes no more bytes from
	 * the pipe. A thread blocked in {@code read} is released by closing its read-only
	 * channel, which takes nothing from the pipe; a thread waiting for the next client
	 * takes nothing either.
	 */
	@Override
	public void holdBack() {
		if (!this.reading || Thread.currentThread() == this.thread) {
			return;
		}
		closeQuietly(this.channel);
		long deadline = System.nanoTime() + HOLD_BACK_NANOS;
		while (this.reading && System.nanoTime() - deadline < 0) {
			LockSupport.parkNanos(100_000);
		}
	}

	@Override
	public void resume() {
		// the thread waits for the dispatcher itself
	}

	@Override
	public InputFence fence(Runnable reached) throws IOException {
		return this.dispatcher.fence(this.framer, this.taken + this.fifo.unreadBytes(), reached);
	}

	@Override
	public LineFramer framer() {
		return this.framer;
	}

	@Override
	public long taken() {
		return this.taken;
	}

	/**
	 * Stop reading: release the thread from {@code read} or from waiting for a client; it
	 * then drains what is in the pipe and ends. A chunk being dispatched is finished
	 * first.
	 */
	@Override
	public void close() {
		this.closing = true;
		this.witness.close();
		closeQuietly(this.channel);
		this.writerWait.wake();
	}

	/**
	 * Mark a thread that did not end when stopped in its name, for thread dumps and
	 * messages.
	 */
	@Override
	public void abandon() {
		if (this.thread.isAlive()) {
			this.thread.setName(this.thread.getName() + "-abandoned");
		}
	}

	/** Interrupt the thread, for a handler that does not return in time. */
	@Override
	public void interrupt() {
		this.thread.interrupt();
	}

	/**
	 * Wait for the thread to end.
	 * @param millis at most this long
	 * @return whether it ended
	 * @throws InterruptedException if interrupted while waiting
	 */
	@Override
	public boolean join(long millis) throws InterruptedException {
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
