package io.pipeio.server;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Hands the chunks an {@link EventLoopReader} read to the dispatcher, on the loop thread
 * or on a worker as the channel's {@link LoopDispatch} decides, and times them for that
 * decision. The loop thread never waits: a chunk it cannot dispatch at once is kept for
 * the worker it hands the channel to, and a channel whose send queue is full, or whose
 * chunk was slow there, leaves the loop.
 * <p>
 * Only the reader's turns call it, one at a time; the loop thread reads
 * {@link #isOnLoop()}.
 *
 * @author pipe-io
 */
final class EventLoopChunks {

	private final LineDispatcher dispatcher;

	private final LineFramer framer;

	private final ReadChunks chunks;

	/** Has a worker take the next turn at the channel. */
	private final Runnable workerTurn;

	private final LoopDispatch loopDispatch;

	/** A chunk the loop read but could not dispatch without waiting. */
	private byte @Nullable [] handedOver;

	/**
	 * @param mode where the channel's chunks are handled
	 * @param dispatcher where lines go
	 * @param framer the framer of the reader's pipe
	 * @param chunks how a worker hands a chunk to the dispatcher, and what a failure on
	 * the way to the handler leads to
	 * @param workerTurn has a worker take the next turn at the channel
	 */
	EventLoopChunks(DispatchMode mode, LineDispatcher dispatcher, LineFramer framer, ReadChunks chunks,
			Runnable workerTurn) {
		this.dispatcher = dispatcher;
		this.framer = framer;
		this.chunks = chunks;
		this.workerTurn = workerTurn;
		this.loopDispatch = new LoopDispatch(mode);
	}

	/**
	 * @return whether the loop thread handles the channel's chunks
	 */
	boolean isOnLoop() {
		return this.loopDispatch.isOnLoop();
	}

	/**
	 * Dispatch, on a worker, the chunk the loop handed over, if any.
	 * @return {@code false} if the dispatcher no longer takes lines
	 * @throws InterruptedException if interrupted while waiting to dispatch
	 */
	boolean dispatchHandedOver() throws InterruptedException {
		byte[] chunk = this.handedOver;
		if (chunk == null) {
			return true;
		}
		this.handedOver = null;
		return this.chunks.dispatchTaken(chunk, chunk.length);
	}

	/**
	 * Whether the turn reads the next chunk on its thread: the loop thread hands a
	 * channel whose send queue is full to a worker instead.
	 * @param loopThread whether the turn runs on the loop thread
	 * @return {@code false} if a worker goes on
	 */
	boolean readsHere(boolean loopThread) {
		if (this.dispatcher.isSendQueueFull() && (loopThread || this.loopDispatch.isOnLoop())) {
			// Replies would wait for room: a worker waits, the loop must not. A
			// client that does not keep up sends the channel to workers, so the
			// queue's bound is overrun by the replies to one chunk at most, each time
			// the channel comes to the loop.
			this.loopDispatch.leaveLoopForFullQueue();
			if (loopThread) {
				this.workerTurn.run();
				return false;
			}
		}
		return true;
	}

	/**
	 * Dispatch a chunk on a worker. A worker turn may come while the channel is on the
	 * loop (the loop found a turn under way, or could not dispatch without waiting); if
	 * the chunk's replies found the send queue full there, they waited for room until the
	 * client read again, and the queue is emptied by the time they return: the check
	 * before each read would not see that the client had stopped reading, and the loop
	 * would go on handling the channel. It leaves the loop as if the loop had found the
	 * queue full.
	 * @param chunk the bytes
	 * @param read how many
	 * @return {@code false} if the dispatcher no longer takes lines
	 * @throws InterruptedException if interrupted while waiting to dispatch
	 */
	boolean dispatchOnWorker(byte[] chunk, int read) throws InterruptedException {
		if (!this.loopDispatch.isOnLoop()) {
			return dispatchMeasured(chunk, read);
		}
		int fullCount = this.dispatcher.sendQueueFullCount();
		boolean dispatched = dispatchMeasured(chunk, read);
		if (this.dispatcher.sendQueueFullCount() != fullCount) {
			this.loopDispatch.leaveLoopForFullQueue();
		}
		return dispatched;
	}

	/**
	 * Dispatch a chunk on a worker, measuring it while {@link DispatchMode#AUTO} has not
	 * decided yet.
	 */
	private boolean dispatchMeasured(byte[] chunk, int read) throws InterruptedException {
		if (!this.loopDispatch.isMeasuring()) {
			return this.chunks.dispatchTaken(chunk, read);
		}
		long start = System.nanoTime();
		boolean dispatched = this.chunks.dispatchTaken(chunk, read);
		this.loopDispatch.handledOnWorker(System.nanoTime() - start, read);
		return dispatched;
	}

	/**
	 * Dispatch a chunk on the loop thread, unless that would wait (a pause, another
	 * reader's chunk): then, and after a chunk that turned out slow, a worker takes over.
	 * @param chunk the bytes
	 * @param read how many
	 * @return whether the loop goes on with this channel
	 */
	boolean dispatchOnLoop(byte[] chunk, int read) {
		long start = System.nanoTime();
		boolean dispatched;
		long end = this.framer.position() + read;
		try {
			dispatched = this.dispatcher.dispatchNow(this.framer, chunk, read);
		}
		catch (RuntimeException | Error ex) {
			this.chunks.failed(chunk, read, end, ex);
			dispatched = true;
		}
		if (!dispatched) {
			this.handedOver = Arrays.copyOf(chunk, read);
			this.workerTurn.run();
			return false;
		}
		if (this.loopDispatch.handledOnLoop(System.nanoTime() - start)) {
			leaveLoop();
			return false;
		}
		return true;
	}

	/** Go on with this channel on a worker. */
	private void leaveLoop() {
		this.loopDispatch.leaveLoop();
		this.workerTurn.run();
	}

}
