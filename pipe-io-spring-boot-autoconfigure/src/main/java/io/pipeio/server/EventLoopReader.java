package io.pipeio.server;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.IntSupplier;

/**
 * Reads an <em>in</em> FIFO on the event loop engine. Its only descriptor is the
 * non-blocking reader the pipe was checked through; the loop reports it readable, and a
 * worker then reads and dispatches up to {@value #CHUNKS_PER_TURN} chunks before the
 * descriptor is armed again, so a busy channel cannot starve the others. Which thread
 * dispatches a chunk, the loop's or a worker, {@link EventLoopChunks} decides. While the
 * loop thread handles them, the descriptor is armed edge-triggered, and a turn that read
 * the pipe empty leaves it so: a request then costs the loop one read and no
 * {@code epoll_ctl}. A turn may then start while another is at the channel; the channel's
 * {@link SerialExecutor} runs it after, and it finds the pipe empty.
 * <p>
 * Like the thread engine, the server holds no writer on the pipe: a read that returns 0
 * means every client has left, the partial line then is dropped and the channel reports
 * the client gone ({@link InPipeClients}). That descriptor would from then on report
 * hang-up for ever, so it is replaced by a fresh reader opened through it (before it is
 * closed: the FIFO never loses its last reader), which reports the next client's data, or
 * its hang-up if it came and went meanwhile.
 * <p>
 * A paused channel's descriptor is not armed again (one armed edge-triggered is
 * disarmed), so incoming bytes stay in the pipe and cost the loop nothing. Stopping
 * drains what is in the pipe without waiting for more, as {@link StopDrain} does for the
 * thread engine; a retired pipe (deleted or replaced on disk) is read until its last
 * client leaves.
 *
 * @author pipe-io
 */
final class EventLoopReader implements PipeReader {

	/** Chunks one worker turn reads before the channel goes back to the loop. */
	static final int CHUNKS_PER_TURN = 16;

	/** Chunks a turn on the loop thread reads, so that other channels wait little. */
	static final int CHUNKS_PER_LOOP_TURN = 4;

	private static final int PAUSED = -2;

	private static final int CLOSING = -3;

	private static final int NOTHING_YET = -1;

	private static final ThreadLocal<NativeBuffer> BUFFERS = new ThreadLocal<>();

	private final InPipeDescriptor in;

	private final LineDispatcher dispatcher;

	private final LineFramer framer;

	private final ReadChunks chunks;

	private final BiConsumer<PipeReader, Throwable> onFailure;

	private final int bufferSize;

	/**
	 * Whether the server created the FIFO and removes it at the stop ({@link StopDrain}).
	 */
	private final boolean removedAtStop;

	private final SerialExecutor serial;

	private final TurnThread turnThread = new TurnThread();

	private final CountDownLatch ended = new CountDownLatch(1);

	private final EventLoopChunks loopChunks;

	private final InPipeClients clients;

	/** {@link #refusal()}, made once rather than for every read. */
	private final IntSupplier refusal = this::refusal;

	/** Set by a turn that left the descriptor unarmed because the channel is paused. */
	private final AtomicBoolean parked = new AtomicBoolean();

	private volatile boolean closing;

	private volatile boolean retired;

	/** Set by the loop when it read EOF, for a worker to handle. */
	private volatile boolean eofPending;

	/** Only turns use it; they run one at a time. */
	private boolean finished;

	private EventLoopReader(FifoDescriptor fifo, boolean removedAtStop, EventLoop loop, LineDispatcher dispatcher,
			PipeServerSettings settings, BiConsumer<PipeReader, Throwable> onFailure) {
		this.dispatcher = dispatcher;
		this.framer = dispatcher.newFramer(settings.getMaxMessageSize());
		this.chunks = new ReadChunks(dispatcher, this.framer, this::reportFailure);
		this.onFailure = onFailure;
		this.bufferSize = settings.getBufferSize();
		this.removedAtStop = removedAtStop;
		this.serial = new SerialExecutor(loop.handlerWorkers(settings.getWorkerThreads()));
		this.loopChunks = new EventLoopChunks(settings.getDispatch(), dispatcher, this.framer, this.chunks,
				() -> this.serial.execute(this::turn));
		this.in = new InPipeDescriptor(fifo, loop, this::ready);
		this.clients = new InPipeClients(this.in, dispatcher, this.framer, this::reportFailure);
	}

	/**
	 * Start reading an opened FIFO. The reader owns the descriptor from now on, also if
	 * this fails.
	 * @param fifo the FIFO, opened and checked
	 * @param removedAtStop whether the server removes the FIFO at the stop
	 * @param settings the channel settings
	 * @param dispatcher where lines go
	 * @param loop the loop
	 * @param onFailure told when reading fails other than by {@link #close()}
	 * @return the reader
	 * @throws IOException if the descriptor cannot be registered
	 */
	static EventLoopReader open(FifoDescriptor fifo, boolean removedAtStop, PipeServerSettings settings,
			LineDispatcher dispatcher, EventLoop loop, BiConsumer<PipeReader, Throwable> onFailure) throws IOException {
		EventLoopReader reader = new EventLoopReader(fifo, removedAtStop, loop, dispatcher, settings, onFailure);
		try {
			reader.in.register();
		}
		catch (IOException | RuntimeException ex) {
			reader.in.release();
			throw ex;
		}
		return reader;
	}

	/** The loop reports the descriptor: a turn, on the loop thread if it may. */
	private void ready(int registration, int events) {
		if ((events & Epoll.EPOLLHUP) != 0) {
			this.clients.hangUp(registration);
		}
		if (!this.loopChunks.isOnLoop() || !this.serial.runHereIfIdle(this::turn)) {
			this.serial.execute(this::turn);
		}
	}

	/** One thread's turn at the channel. */
	private void turn() {
		String name = this.turnThread.enter();
		try {
			if (this.finished) {
				return;
			}
			if (this.closing && EventLoop.isLoopThread()) {
				this.serial.execute(this::turn); // draining may wait: not on the loop
				return;
			}
			if (!this.loopChunks.dispatchHandedOver()) {
				finish();
				return;
			}
			if (this.eofPending) {
				// seen by the loop: not read again, a next client may have come meanwhile
				this.eofPending = false;
				clientsLeft();
				return;
			}
			if (this.closing) {
				finish();
				return;
			}
			readChunks();
		}
		catch (InterruptedException ex) {
			// A stop gave up waiting for the handler: nothing more is dispatched, and
			// what the pipe holds is counted.
			if (this.closing) {
				finish();
			}
			else {
				end();
			}
		}
		catch (IOException ex) {
			if (!this.closing) {
				reportFailure(ex);
			}
			end();
		}
		catch (RuntimeException | Error ex) {
			// the watchdog opens another reader
			reportFailure(ex);
			end();
		}
		finally {
			this.turnThread.exit(name);
		}
	}

	/**
	 * Report a failure; one the listener throws on top must not end the thread, which may
	 * be the loop's.
	 */
	private void reportFailure(Throwable ex) {
		try {
			this.onFailure.accept(this, ex);
		}
		catch (RuntimeException | Error reporting) {
			// the channel is failed already as far as it can be told
		}
	}

	private void readChunks() throws IOException, InterruptedException {
		boolean loopThread = EventLoop.isLoopThread();
		int chunks = loopThread ? CHUNKS_PER_LOOP_TURN : CHUNKS_PER_TURN;
		for (int chunk = 1;; chunk++) {
			if (!this.loopChunks.readsHere(loopThread)) {
				return;
			}
			NativeBuffer buffer = buffer();
			int read = this.in.read(buffer, this.bufferSize, this.refusal);
			if (read == PAUSED) {
				park();
				return;
			}
			if (read == CLOSING) {
				if (loopThread) {
					this.serial.execute(this::turn); // draining may wait: not on the loop
					return;
				}
				finish();
				return;
			}
			if (read == NOTHING_YET) {
				armWhenEmpty();
				return;
			}
			if (read == 0 && !this.clients.departed()) {
				// Nobody came since the descriptor was opened: a turn no event started (a
				// retirement, say) read the end of a pipe no client used, not a
				// departure.
				if (!this.retired) {
					armWhenEmpty();
				}
				else if (loopThread) {
					this.serial.execute(this::turn); // draining may wait: not on the loop
				}
				else {
					finish();
				}
				return;
			}
			if (read == 0) {
				if (!this.retired) {
					this.clients.renew(); // before the departure is told
				}
				if (loopThread) {
					// the dispatch lock is taken: a worker does it, without reading again
					this.eofPending = true;
					this.serial.execute(this::turn);
					return;
				}
				clientsLeft();
				return;
			}
			this.clients.arrived();
			if (loopThread) {
				if (!this.loopChunks.dispatchOnLoop(buffer.bytes, read)) {
					return; // a worker goes on
				}
			}
			else if (!this.loopChunks.dispatchOnWorker(buffer.bytes, read)) {
				finish();
				return;
			}
			if (chunk == chunks) {
				arm(); // the loop reports it again at once: other channels' turn first
				return;
			}
			if (read < this.bufferSize && !this.clients.hangUpPending()) {
				// A short read emptied the pipe: what comes meanwhile is reported at
				// once, without a read that finds nothing. After a hang-up, the next
				// read finds the end (or a next client's bytes).
				armWhenEmpty();
				return;
			}
		}
	}

	/**
	 * Every writer has left: a retired pipe is read no longer, another is renewed if that
	 * failed as the end was read.
	 */
	private void clientsLeft() throws IOException, InterruptedException {
		this.clients.left();
		if (this.retired) {
			finish();
		}
		else {
			this.clients.renewIfPending();
		}
	}

	/**
	 * Whether a turn may read now: not while paused (bytes stay in the pipe), nor once
	 * closing.
	 */
	private int refusal() {
		if (this.dispatcher.isReadingHeld()) {
			return PAUSED;
		}
		return this.closing ? CLOSING : 0;
	}

	/** Leave the descriptor unarmed while paused; {@link #resume()} arms it. */
	private void park() throws IOException {
		this.in.disarm();
		this.parked.set(true);
		// resumed meanwhile: resume() may have seen parked still unset
		if (!this.dispatcher.isReadingHeld() && this.parked.compareAndSet(true, false)) {
			arm();
		}
	}

	private void arm() throws IOException {
		this.in.arm(this.loopChunks.isOnLoop());
	}

	private void armWhenEmpty() throws IOException {
		this.in.armWhenEmpty(this.loopChunks.isOnLoop());
	}

	/** Drain when stopping, then let go of the descriptor. */
	private void finish() {
		if (this.finished) {
			return;
		}
		this.finished = true;
		try {
			if (this.closing) {
				new StopDrain(this.in.fifo(), this.dispatcher, this.framer, buffer().bytes, this.removedAtStop)
					.drain((read) -> this.chunks.dispatch(buffer().bytes, read));
			}
		}
		catch (IOException ex) {
			// stopping: what could not be drained stays in the pipe, or goes with it
		}
		catch (InterruptedException ex) {
			// a stop gave up waiting for the handler
		}
		finally {
			end();
		}
	}

	private void end() {
		this.finished = true;
		if (this.ended.getCount() == 0) {
			return; // the number may name another file by now
		}
		this.parked.set(false);
		try {
			this.in.release();
			this.clients.gone();
		}
		catch (RuntimeException | Error ex) {
			// a listener failing on the way out: the reader has ended all the same
		}
		finally {
			this.ended.countDown();
		}
	}

	private NativeBuffer buffer() {
		NativeBuffer buffer = BUFFERS.get();
		if (buffer == null || buffer.bytes.length < this.bufferSize) {
			buffer = new NativeBuffer(this.bufferSize);
			BUFFERS.set(buffer);
		}
		return buffer;
	}

	@Override
	public PipeFile file() {
		return this.in.fifo().file();
	}

	@Override
	public boolean isAlive() {
		return this.ended.getCount() > 0;
	}

	@Override
	public void retire() {
		this.retired = true;
		this.serial.execute(this::turn);
	}

	@Override
	public void holdBack() {
		if (!this.turnThread.isCurrent()) {
			this.in.holdBack();
		}
	}

	@Override
	public void resume() {
		if (this.parked.compareAndSet(true, false)) {
			// a turn arms it: only turns touch the descriptor, which they may renew
			this.serial.execute(this::turn);
		}
	}

	@Override
	public InputFence fence(Runnable reached) throws IOException {
		return this.dispatcher.fence(this.framer, this.in.end(), reached);
	}

	@Override
	public LineFramer framer() {
		return this.framer;
	}

	@Override
	public long taken() {
		return this.in.taken();
	}

	@Override
	public void close() {
		this.closing = true;
		this.serial.execute(this::turn);
	}

	@Override
	public void abandon() {
		if (isAlive()) {
			this.turnThread.markAbandoned();
		}
	}

	@Override
	public void interrupt() {
		this.turnThread.interrupt();
	}

	@Override
	public boolean join(long millis) throws InterruptedException {
		return this.ended.await(Math.max(0, millis), TimeUnit.MILLISECONDS);
	}

}
