package io.pipeio.server;

import java.util.ArrayList;

import org.jspecify.annotations.Nullable;

/**
 * The replies of the chunk being dispatched, and the one place that decides how they
 * travel to the writer. A handler replies through the {@link ReplySink} it is given with
 * each line; the {@link LineSender} offers each such reply here before it queues it, and
 * a plain send is never collected. The {@link LineDispatcher} begins and ends the chunk,
 * under its dispatch lock, so chunks never overlap. The thread that began the chunk is
 * remembered only to keep a sink that escaped its chunk (kept by a handler, or used on
 * another thread) from touching the unlocked batch: such a reply is sent as a plain send.
 * <p>
 * Replies are collected without locking and handed to the {@link SendQueue} together, so
 * the writer wakes once per chunk instead of once per line (measured: per-line hand-off
 * cost about 60 ns and 25 context switches per 1,000 lines). When is measured on the way:
 * <ul>
 * <li>for a fast handler, at the end of the chunk;</li>
 * <li>for a slow one (over 3 µs a line on average, not counting the hand-overs, which
 * would otherwise keep a fast handler slow by themselves), after every line, so that a
 * reply never waits for the handler to finish the lines behind it; the clock is read once
 * per {@value #CHECK_INTERVAL} lines, as reading it per line would cost a fast handler as
 * much as the batching saves. A handler starts as slow and is fast after one fast window,
 * but turns slow again only after two slow windows in a row: on a busy machine a fast
 * handler is preempted now and then, and one such window would otherwise cost it a write
 * per line for the next {@value #CHECK_INTERVAL} lines;</li>
 * <li>early, before a reply that would make them more than {@value #MAX_LINES} lines or
 * {@value #MAX_BYTES} bytes, or more than the queue's own bounds (large replies must not
 * pile up outside the queue's byte bound, and the replies of one chunk must not overflow
 * a queue that the writer would have emptied between two of them), and at a line whose
 * sender waits for it to be written.</li>
 * </ul>
 * With {@link OverflowPolicy#FAIL} a reply that would not fit is not collected: its
 * sender must learn at once that it failed.
 * <p>
 * The handler is told before a hand-over within the chunk
 * ({@link LineHandler#beforeRepliesHandedOver()}), as placing may wait for room in the
 * queue: the time it takes the handler's lines must not include that wait.
 *
 * @author pipe-io
 */
final class ChunkReplies {

	/** Lines between two clock readings; a power of two. */
	static final int CHECK_INTERVAL = 32;

	/** Time for {@link #CHECK_INTERVAL} lines above which the handler counts as slow. */
	private static final long SLOW_NANOS = 100_000;

	/** Slow windows in a row that make a fast handler slow. */
	private static final int SLOW_WINDOWS_IN_A_ROW = 2;

	private static final int MAX_LINES = 1024;

	private static final long MAX_BYTES = 256 * 1024;

	private final boolean failFast;

	private final int maxLines;

	private final long maxBytes;

	/** The replies collected and not handed over yet. */
	private ArrayList<Object> entries = new ArrayList<>();

	/**
	 * The list handed over last, emptied, to collect into after the next hand-over; none
	 * while a hand-over runs.
	 */
	private @Nullable ArrayList<Object> spare = new ArrayList<>();

	/**
	 * The thread dispatching a chunk, {@code null} between chunks; read by every sender.
	 */
	private volatile @Nullable Thread owner;

	/**
	 * The queue the chunk's replies go to, the one running when it began; used by the
	 * owner only.
	 */
	private @Nullable SendQueue queue;

	/**
	 * The handler of the chunk's lines, told before a hand-over within the chunk;
	 * {@code null} once the chunk ends, whose end the dispatcher tells it of. Used by the
	 * owner only.
	 */
	private @Nullable LineHandler handler;

	private long bytes;

	private int lines;

	private long lastCheck;

	/**
	 * Starts true: until measured, a handler is assumed slow and its replies are not
	 * held.
	 */
	private boolean slow = true;

	/** Slow windows in a row while {@link #slow} is false. */
	private int slowWindows;

	ChunkReplies(PipeServerSettings settings) {
		this.failFast = settings.getOverflow() == OverflowPolicy.FAIL;
		this.maxLines = Math.min(MAX_LINES, settings.getSendQueueCapacity());
		this.maxBytes = Math.min(MAX_BYTES, settings.getSendQueueMaxBytes());
	}

	/**
	 * Begin a chunk on the calling thread: what it sends until {@link #end()} is
	 * collected.
	 * @param sendQueue the running queue, or {@code null} when the server is not running
	 * (nothing is collected then)
	 * @param handler the handler of the chunk's lines, told before its replies are handed
	 * over ahead of the chunk's end
	 */
	void begin(@Nullable SendQueue sendQueue, LineHandler handler) {
		this.queue = sendQueue;
		this.handler = handler;
		if (sendQueue != null) {
			this.lines = 0;
			this.lastCheck = System.nanoTime();
			this.owner = Thread.currentThread();
		}
	}

	/**
	 * Collect a reply, if it is made on the thread dispatching the chunk, to the queue it
	 * began with.
	 * @param sendQueue the queue the reply is for
	 * @param entry a line or a {@link QueuedLines.PendingLine}
	 * @return whether it was collected; if not, the sender queues it itself (with
	 * {@link OverflowPolicy#FAIL}, a reply that would not fit is not collected, and what
	 * was collected before it has then been handed over)
	 */
	boolean collect(SendQueue sendQueue, Object entry) {
		if (this.owner != Thread.currentThread() || sendQueue != this.queue) {
			return false;
		}
		int length = QueuedLines.lineOf(entry).length;
		if (this.failFast && !sendQueue.seemsToFit(this.entries.size(), this.bytes, length)) {
			flush();
			return false;
		}
		if (!this.entries.isEmpty() && (this.entries.size() >= this.maxLines || this.bytes + length > this.maxBytes)) {
			// Handed over before they would fill the queue: the writer may empty it in
			// between (on the event loop, into the pipe, on this thread). Placed all
			// together, a chunk's replies would overflow a small queue while the pipe
			// has room.
			flush();
		}
		this.entries.add(entry);
		this.bytes += length;
		// A sender waiting for its line to be written must not wait for the rest of the
		// chunk.
		if (entry instanceof QueuedLines.PendingLine) {
			flush();
		}
		return true;
	}

	/**
	 * Hand over what the chunk collected if a plain send is made on the chunk's thread,
	 * so that the line does not overtake the replies that thread made before it.
	 * @param sendQueue the queue the send is for
	 */
	void beforeSend(SendQueue sendQueue) {
		if (this.owner == Thread.currentThread() && sendQueue == this.queue) {
			flush();
		}
	}

	/** Called after each line's handler returned. */
	void afterLine() {
		if (this.queue == null) {
			return;
		}
		if ((++this.lines & (CHECK_INTERVAL - 1)) == 0) {
			long now = System.nanoTime();
			if (now - this.lastCheck <= SLOW_NANOS) {
				this.slow = false;
				this.slowWindows = 0;
			}
			else if (++this.slowWindows >= SLOW_WINDOWS_IN_A_ROW) {
				this.slow = true;
			}
			this.lastCheck = now;
		}
		if (this.slow && !this.entries.isEmpty()) {
			// The window times the handler, not the hand-over: a write per line can take
			// a fast handler over the bar by itself, and would then keep it slow for
			// ever.
			long handingOver = System.nanoTime();
			flush();
			this.lastCheck += System.nanoTime() - handingOver;
		}
	}

	/**
	 * @return whether replies are held until the end of the chunk (the handler was
	 * measured fast)
	 */
	boolean isHolding() {
		return !this.slow;
	}

	/** End the chunk: stop collecting and hand over what is left. */
	void end() {
		this.owner = null;
		this.handler = null; // told of the chunk's end by the dispatcher
		flush();
		this.queue = null;
	}

	/** Hand what was collected so far to the queue. */
	private void flush() {
		SendQueue target = this.queue;
		if (target == null || this.entries.isEmpty()) {
			return;
		}
		LineHandler handler = this.handler;
		if (handler != null) {
			handler.beforeRepliesHandedOver();
		}
		// Swapped, not copied: placing may write, and a future completed by that write
		// may reply into this chunk on the same thread, even hand that over in turn.
		ArrayList<Object> placed = this.entries;
		ArrayList<Object> next = this.spare;
		this.entries = (next != null) ? next : new ArrayList<>();
		this.spare = null;
		this.bytes = 0;
		try {
			target.placeAll(placed);
		}
		finally {
			placed.clear();
			this.spare = placed;
		}
	}

}
