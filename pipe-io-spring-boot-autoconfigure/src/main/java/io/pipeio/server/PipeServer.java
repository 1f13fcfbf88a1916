package io.pipeio.server;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * Serves one channel: reads lines from its <em>in</em> FIFO and hands them to a
 * {@link LineHandler}; writes lines given to {@link #send(byte[])} to its <em>out</em>
 * FIFO.
 * <p>
 * Nothing blocks on a missing peer: both FIFOs are held open read-write, so clients may
 * open, write, read and close them in any pattern. One platform thread reads, one writes;
 * a shared watchdog re-creates a managed pipe that was deleted or replaced.
 * {@link #stop(Duration)} returns within its timeout whatever the threads are blocked in.
 * A stopped server can be started again.
 *
 * @author pipe-io
 */
public final class PipeServer {

	private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * How long a start waits for another thread to tell the changes made before its own:
	 * bounded, since a listener there may wait for a lock the start's caller holds.
	 */
	private static final long START_TELLING_WAIT_NANOS = DEFAULT_STOP_TIMEOUT.toNanos();

	private final PipeServerSettings settings;

	private final PipeServerListener listener;

	private final ChannelStatistics statistics;

	private final LostLines lostLines;

	private final LineDispatcher dispatcher;

	private final LineSender sender;

	private final ServerState state;

	private final ReentrantLock lifecycleLock = new ReentrantLock();

	/** Held by pause and resume, while they act and tell. */
	private final Object pauseLock = new Object();

	private final PipeWatchdog.PipeCheck watchdogCheck = this::checkPipes;

	/**
	 * A look at the pipes' paths was asked for and not made, or must be made again (a
	 * repair put off or failed): the next check makes it whatever it is asked.
	 */
	private volatile boolean pathsPending;

	private volatile @Nullable ChannelPipes pipes;

	/** See {@link #getOutPipeReplacements()}. */
	private final AtomicLong outPipeReplacements = new AtomicLong();

	/**
	 * Held while running, so that no other server, here or in another process, serves the
	 * pipes.
	 */
	private @Nullable ChannelLock channelLock;

	/**
	 * Create a server; nothing happens on disk until {@link #start()}.
	 * @param settings the channel settings
	 * @param handler receives incoming lines
	 * @param listener observes the server
	 */
	public PipeServer(PipeServerSettings settings, LineHandler handler, PipeServerListener listener) {
		this.settings = Objects.requireNonNull(settings, "'settings' must not be null");
		// What it throws, checked or not, is a listener's failure to every part of the
		// engine.
		this.listener = ListenerGuard.guard(Objects.requireNonNull(listener, "'listener' must not be null"));
		Objects.requireNonNull(handler, "'handler' must not be null");
		this.statistics = new ChannelStatistics(handler.getStatistics());
		this.lostLines = new LostLines(this, this.statistics, this.listener);
		this.state = new ServerState(this, this.listener, this.statistics, this.lifecycleLock::isHeldByCurrentThread);
		this.sender = new LineSender(this, settings, this.statistics, this.listener, this.lostLines);
		this.dispatcher = new LineDispatcher(this, this.sender, handler, this.listener, this.statistics);
	}

	/**
	 * Create a server with no listener.
	 * @param settings the channel settings
	 * @param handler receives incoming lines
	 */
	public PipeServer(PipeServerSettings settings, LineHandler handler) {
		this(settings, handler, new PipeServerListener() {
		});
	}

	/**
	 * Lock the pipes' directory, create (when managed) and open both FIFOs and start the
	 * reader and writer threads. Does nothing if already running.
	 * <p>
	 * The lock comes first, before anything at the pipe paths is checked, created or
	 * replaced: a second server would otherwise take the FIFOs as stale, replace them and
	 * split the lines. Channels of one JVM in one directory share its lock file,
	 * {@code .pipe-io.lock}.
	 * @throws PipeInUseException if another server, in this JVM or another process,
	 * serves these pipes; nothing on disk was touched
	 * @throws PipeFileException if a pipe path holds something other than a FIFO, a
	 * required FIFO is missing, or something other than a lock file is at the lock file's
	 * path; nothing on disk was touched
	 * <p>
	 * If a handler call that the last {@link #stop(Duration)} gave up on is still
	 * running, the server starts {@link PipeServerState#FAILED} and delivers the lines
	 * that waited in the pipe, in order, once that call returned.
	 * @throws IOException if the pipes cannot be created or opened
	 */
	public void start() throws IOException {
		try {
			startUnderLock();
		}
		catch (Throwable ex) {
			// a checked exception a listener told under the lock did not declare too: its
			// changes are this thread's to tell, and nobody else tells them or any later
			this.state.tellPendingAfter(ex, START_TELLING_WAIT_NANOS);
			throw ex;
		}
		// Told on this thread once the lock is given back, after what another thread
		// tells first; if a listener holds that one up, its changes are told there,
		// later.
		this.state.tellPending(START_TELLING_WAIT_NANOS);
	}

	private void startUnderLock() throws IOException {
		this.lifecycleLock.lock();
		// The lock, the pipes and their creation each check the directory: once will do.
		try (PipeDirectories.Scope directoryChecks = PipeDirectories.openScope()) {
			if (this.pipes != null) {
				return;
			}
			this.state.set(PipeServerState.STARTING, null);
			SendQueue sendQueue = this.sender.newQueue();
			this.dispatcher.open();
			try {
				this.channelLock = ChannelLock.acquire(this.settings, this);
				// Before the reader starts: a line already waiting in the pipe may be
				// answered at once.
				this.sender.open(sendQueue);
				this.pipes = ChannelPipes.open(this.settings, this.dispatcher, sendQueue, this.statistics,
						this.lostLines, this.state::fail);
			}
			catch (IOException | RuntimeException ex) {
				this.sender.close();
				sendQueue.close();
				try {
					this.lostLines.drop(sendQueue.clear(), DropReason.WRITER_FAILED,
							new IOException("Not written: the channel failed to start", ex));
				}
				catch (Throwable dropFailure) {
					// Such as an Error of the listener told of a line sent meanwhile, or
					// a checked exception it did not declare: why the start failed is
					// still what the caller must see, and the rest is undone all the
					// same.
					ex.addSuppressed(dropFailure);
				}
				releaseChannelLock();
				this.dispatcher.close();
				this.state.fail(ex);
				throw ex;
			}
			this.state.clearFailure();
			PipeWatchdog.registerPipeCheck(this.watchdogCheck,
					List.of(this.settings.getInPath(), this.settings.getOutPath()));
			// Not RUNNING while an abandoned handler call blocks delivery; the watchdog
			// sees it return.
			IllegalStateException blocked = this.dispatcher.blockedByAbandonedCall();
			if (blocked != null) {
				this.state.fail(blocked);
			}
			else {
				this.state.set(PipeServerState.RUNNING, null);
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	/**
	 * Stop within a default timeout of 10 seconds.
	 * @see #stop(Duration)
	 */
	public void stop() {
		stop(DEFAULT_STOP_TIMEOUT);
	}

	/**
	 * Stop reading, write the queued lines while the timeout allows, close both FIFOs,
	 * remove those this server created and give back the directory lock. Returns within
	 * the timeout whatever the threads are blocked in; a handler that ignores
	 * interruption is the only thing that may outlive it. Calling it again, or before
	 * {@link #start()}, does nothing.
	 * <p>
	 * A reader or writer this gave up on at the deadline accounts for the lines it still
	 * held as its thread ends, which can be a moment after this returned: they are then
	 * counted as dropped, their futures failed and the listener told.
	 * @param timeout the longest this call may take
	 */
	public void stop(Duration timeout) {
		long deadline = System.nanoTime() + TimeUnit.NANOSECONDS.convert(timeout);
		try {
			stopUnderLock(deadline);
		}
		catch (Throwable ex) {
			this.state.tellPendingAfter(ex, Math.max(0, deadline - System.nanoTime()));
			throw ex;
		}
		// Told with the lock given back, and waiting for a listener another thread is in
		// no longer than the timeout allows: the stop is told once that one returned.
		this.state.tellPending(Math.max(0, deadline - System.nanoTime()));
	}

	private void stopUnderLock(long deadline) {
		this.lifecycleLock.lock();
		try {
			ChannelPipes running = this.pipes;
			SendQueue sendQueue = this.sender.queue();
			if (running == null || sendQueue == null) {
				if (this.state.get() == PipeServerState.FAILED) {
					// a failed start, stopped on purpose
					this.state.set(PipeServerState.STOPPED, null);
				}
				return;
			}
			this.state.set(PipeServerState.STOPPING, null);
			PipeWatchdog.unregisterPipeCheck(this.watchdogCheck, ChannelPipes.remainingMillis(deadline) / 4);
			try {
				running.shutdown(sendQueue, deadline);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				running.removeCreated();
				running.releaseTransport(ChannelPipes.remainingMillis(deadline));
				// last: no other server may work in the directory while this one does
				releaseChannelLock();
				this.pipes = null;
				this.sender.close();
				this.state.set(PipeServerState.STOPPED, null);
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	/**
	 * Queue a line for the out pipe; a newline is appended. A line that does not fit into
	 * the full send queue is handled as the {@link PipeServerSettings#getOverflow()
	 * overflow policy} says. The array is queued as it is, not copied: it must not be
	 * changed until the line is written.
	 * @param line the line, without newline
	 * @throws IllegalArgumentException if the line contains a newline
	 * @throws PipeSendException if the channel is not running, or the line did not fit
	 * and the policy is not {@link OverflowPolicy#DROP_NEWEST}
	 */
	public void send(byte[] line) {
		this.sender.send(line);
	}

	/**
	 * Queue a line like {@link #send(byte[])} and return a future completed once it is
	 * written to the pipe, or failed if it is dropped or the channel stops first.
	 * @param line the line, without newline
	 * @return the future
	 * @throws IllegalArgumentException if the line contains a newline
	 */
	public CompletableFuture<Void> sendAsync(byte[] line) {
		return this.sender.sendAsync(line);
	}

	/**
	 * Queue a line like {@link #sendAsync(byte[])}, waiting for room (with
	 * {@link OverflowPolicy#BLOCK}) no longer than the given time, if it is shorter than
	 * the send timeout: for a sender that already waited part of it.
	 * @param line the line, without newline
	 * @param maxWait how long to wait for room at most; zero fails at once if full
	 * @return the future
	 * @throws IllegalArgumentException if the line contains a newline
	 */
	public CompletableFuture<Void> sendAsync(byte[] line, Duration maxWait) {
		return this.sender.sendAsync(line, TimeUnit.NANOSECONDS.convert(maxWait));
	}

	/**
	 * Throw away the lines in the out pipe that no client read, such as the requests a
	 * plug-in process took with it when it exited, so that the next client starts at a
	 * line boundary and is not handed requests nobody waits for any more. Waits (briefly,
	 * bounded) for queued lines to be written first. Counted as dropped, reason
	 * {@code abandoned}.
	 * @return the lines thrown away
	 * @throws IOException if the pipe cannot be read
	 */
	public long discardUnread() throws IOException {
		ChannelPipes running = this.pipes;
		if (running == null) {
			return 0;
		}
		return running.discardUnread(this.sender::queueBytes);
	}

	/**
	 * Mark the end of what the in pipe holds now, such as the last bytes a plug-in
	 * process wrote before it exited: see {@link InputFence}. Lines before the mark are
	 * still handled as usual; {@code reached} runs between the last of them and the first
	 * line after it, on the thread that handles lines (at once, on the calling thread, if
	 * nothing before the mark is still to be handled; on the watchdog's, if the reader of
	 * the mark's pipe died and nobody reads that pipe any more). Marks set one after
	 * another are reached one after another, each at its own place, also while an earlier
	 * one is not reached yet; if the pipe was deleted or replaced on disk between them,
	 * the earlier ones are reached with the later one, so an earlier one's action may
	 * then run after lines written after it, never before a line written before it.
	 * @param reached run once the mark is reached; must not throw
	 * @return the mark; one already reached, without running {@code reached}, if the
	 * server is not running
	 * @throws IOException if the pipe cannot be asked what it holds, such as while a
	 * reader whose thread died is being replaced
	 */
	public InputFence fenceInput(Runnable reached) throws IOException {
		Objects.requireNonNull(reached, "'reached' must not be null");
		InputFence fence;
		// One at a time with pause and resume, which hold the reader back too.
		synchronized (this.pauseLock) {
			ChannelPipes running = this.pipes;
			if (running == null) {
				return InputFence.REACHED;
			}
			fence = running.fenceInput(reached);
		}
		// Outside the pause lock: the action may pause the channel.
		this.dispatcher.reachIfHandled(fence);
		return fence;
	}

	/**
	 * Leave incoming lines in the in pipe until {@link #resume()}. Lines of a chunk
	 * already being dispatched are still delivered; once this returns, no further bytes
	 * are taken from the pipe.
	 */
	public void pause() {
		// One at a time with resume, telling included: a resume overtaking a pause's
		// telling would be told first, and the channel look paused while running.
		synchronized (this.pauseLock) {
			if (!this.dispatcher.isPaused()) {
				this.dispatcher.setPaused(true);
				ChannelPipes running = this.pipes;
				if (running != null) {
					running.holdBackReaders();
				}
				this.listener.onPausedChanged(this, true);
			}
		}
	}

	/** Deliver incoming lines again after {@link #pause()}. */
	public void resume() {
		synchronized (this.pauseLock) {
			if (this.dispatcher.isPaused()) {
				this.dispatcher.setPaused(false);
				ChannelPipes running = this.pipes;
				if (running != null) {
					running.resumeReaders();
				}
				this.listener.onPausedChanged(this, false);
			}
		}
	}

	/**
	 * Wait until the lines of a chunk being dispatched when {@link #pause()} returned are
	 * delivered: after both, the handler is not called again until {@link #resume()}.
	 * Returns at once when called from the handler itself.
	 * @param timeout the longest to wait
	 * @return whether no chunk was being dispatched by the end
	 * @throws InterruptedException if interrupted while waiting
	 */
	public boolean awaitDispatched(Duration timeout) throws InterruptedException {
		return this.dispatcher.awaitIdle(timeout);
	}

	/**
	 * How many times every client of the in pipe has left it. Each departure is counted
	 * once the lines its clients wrote were handed to the handler and a partial line of
	 * theirs was dropped, so a count that moved on after a client process ended says that
	 * nothing it wrote is still to come.
	 * @return the departures since the server was created
	 */
	public long getClientDepartures() {
		return this.dispatcher.getDepartures();
	}

	/**
	 * How many times the channel switched to an out pipe made again after the one it
	 * wrote to was deleted or replaced. Counted before the old one is let go, so a reader
	 * of the old one (a plug-in started with it) that sees its end finds the count moved.
	 * @return the switches since the server was created
	 */
	public long getOutPipeReplacements() {
		return this.outPipeReplacements.get();
	}

	/**
	 * Whether the calling thread is the one handing lines to the handler (the handler
	 * itself, or what it calls): it must not wait for lines to be read.
	 * @return whether it is
	 */
	public boolean isDispatchingThread() {
		return this.dispatcher.isDispatchingThread();
	}

	/**
	 * @return whether incoming lines are held back
	 */
	public boolean isPaused() {
		return this.dispatcher.isPaused();
	}

	/**
	 * @return the channel name
	 */
	public String getChannel() {
		return this.settings.getChannel();
	}

	/**
	 * @return the settings
	 */
	public PipeServerSettings getSettings() {
		return this.settings;
	}

	/**
	 * @return the current state
	 */
	public PipeServerState getState() {
		return this.state.get();
	}

	/**
	 * @return why the server last went {@link PipeServerState#FAILED}, or {@code null}
	 */
	public @Nullable Throwable getLastFailure() {
		return this.state.lastFailure();
	}

	/**
	 * @return the channel's counters
	 */
	public ChannelStatistics getStatistics() {
		return this.statistics;
	}

	/**
	 * @return how many lines wait to be written
	 */
	public int getSendQueueSize() {
		return this.sender.queueSize();
	}

	private void releaseChannelLock() {
		ChannelLock held = this.channelLock;
		if (held != null) {
			this.channelLock = null;
			held.release();
		}
	}

	/**
	 * @return how many bytes of lines wait to be written, queued or being written
	 */
	public long getSendQueueBytes() {
		return this.sender.queueBytes();
	}

	/**
	 * @return since when the channel waits for a client to read its out pipe: when a line
	 * first found the send queue full since the writer last wrote; {@code null} while
	 * lines fit
	 */
	public @Nullable Instant getWaitingForReaderSince() {
		return this.sender.waitingForReaderSince();
	}

	/**
	 * Check that FIFOs about to be handed to another process (a plug-in's stdout and
	 * stdin) are the very ones this server serves now. A path may name another FIFO by
	 * then: in a shared directory another user can put one there once this server's is
	 * gone, which the server itself refuses to serve.
	 * @param in the FIFO opened at the in pipe's path
	 * @param out the FIFO opened at the out pipe's path
	 * @throws PipeFileException if the server is not running or serves other FIFOs
	 */
	public void checkServes(OpenedFifo in, OpenedFifo out) throws PipeFileException {
		ChannelPipes running = this.pipes;
		if (running == null || !running.serves(in.file(), out.file())) {
			throw new PipeFileException(this.settings.getInPath(),
					"The FIFOs at " + this.settings.getInPath() + " and " + this.settings.getOutPath()
							+ " are not those channel '" + this.settings.getChannel() + "' serves"
							+ ((running != null) ? " (replaced since they were checked)" : " (it is not running)"));
		}
	}

	private void checkPipes(boolean paths) {
		boolean look = paths || this.pathsPending;
		if (!this.lifecycleLock.tryLock()) {
			if (look) {
				this.pathsPending = true; // starting or stopping: check next round
			}
			return;
		}
		try {
			ChannelPipes running = this.pipes;
			if (running == null || this.state.get() == PipeServerState.STOPPING) {
				return;
			}
			// A look stays pending until a repair returns done: one that throws is made
			// again next round, as one the busy writer put off is.
			this.pathsPending = look;
			// Taken before the repair looks at the threads: a failure reported after it
			// looked is not mended by this check.
			Throwable failureBefore = this.state.lastFailure();
			boolean done = running.repair(look, this.outPipeReplacements::incrementAndGet, this.state::pipeRecreated);
			this.pathsPending = !done;
			if (this.state.get() == PipeServerState.FAILED && this.dispatcher.blockedByAbandonedCall() == null) {
				this.state.recover(failureBefore);
			}
		}
		catch (IOException | RuntimeException | Error ex) {
			// an Error too: the watchdog thread, which every channel shares, goes on
			this.state.fail(ex);
		}
		finally {
			this.lifecycleLock.unlock();
		}
		// What the check found is told once the lock is given back: a listener that
		// blocks holds up this thread, not a stop of the channel.
		try {
			this.state.tellPending();
		}
		catch (Throwable ex) {
			// a checked one too: the watchdog thread, which every channel shares, goes on
			this.state.fail(ex);
		}
	}

	@Override
	public String toString() {
		return "PipeServer[" + this.settings.getChannel() + ", " + this.state.get() + "]";
	}

}
