package io.pipeio.server;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * The sending side of a {@link PipeServer}: checks each line, queues it for the writer as
 * the channel's {@link OverflowPolicy} says, and accounts for every line that was not
 * queued or was dropped from the queue. The queue exists while the server runs. Replies
 * made through the {@link #replySink() reply sink} are offered to the
 * {@link ChunkReplies} first; plain sends go to the queue.
 *
 * @author pipe-io
 */
final class LineSender {

	private final PipeServer server;

	private final PipeServerSettings settings;

	private final ChannelStatistics statistics;

	private final PipeServerListener listener;

	private final LostLines lostLines;

	private final ChunkReplies chunkReplies;

	private final ReplySink replySink = new Replies();

	private volatile @Nullable SendQueue queue;

	LineSender(PipeServer server, PipeServerSettings settings, ChannelStatistics statistics,
			PipeServerListener listener, LostLines lostLines) {
		this.server = server;
		this.settings = settings;
		this.statistics = statistics;
		this.listener = listener;
		this.lostLines = lostLines;
		this.chunkReplies = new ChunkReplies(settings);
	}

	/**
	 * @return a new queue for a starting server; it takes sends once {@link #open} is
	 * called
	 */
	SendQueue newQueue() {
		return new SendQueue(this.settings, this::rejected, (entries) -> this.lostLines.drop(entries,
				DropReason.SHUTDOWN, new IOException("Not written: the channel stopped first")));
	}

	void open(SendQueue sendQueue) {
		this.queue = sendQueue;
	}

	void close() {
		this.queue = null;
	}

	/**
	 * @return the queue while running, or {@code null}
	 */
	@Nullable SendQueue queue() {
		return this.queue;
	}

	/**
	 * @return the replies of the chunk being dispatched, which the dispatcher begins and
	 * ends around each chunk
	 */
	ChunkReplies chunkReplies() {
		return this.chunkReplies;
	}

	/**
	 * @return the sink the dispatcher gives the handler with each line; one for all
	 * chunks, as chunks never overlap
	 */
	ReplySink replySink() {
		return this.replySink;
	}

	int queueSize() {
		SendQueue sendQueue = this.queue;
		return (sendQueue != null) ? sendQueue.size() : 0;
	}

	long queueBytes() {
		SendQueue sendQueue = this.queue;
		return (sendQueue != null) ? sendQueue.bytes() : 0;
	}

	/**
	 * @return when the running queue first had no room for a line since the writer last
	 * wrote
	 */
	@Nullable Instant waitingForReaderSince() {
		SendQueue sendQueue = this.queue;
		long millis = (sendQueue != null) ? sendQueue.fullSinceMillis() : 0;
		return (millis != 0) ? Instant.ofEpochMilli(millis) : null;
	}

	void send(byte[] line) {
		enqueue(QueuedLines.checkLine(this.settings.getChannel(), line), line, false, Long.MAX_VALUE);
	}

	CompletableFuture<Void> sendAsync(byte[] line) {
		return sendAsync(line, false, Long.MAX_VALUE);
	}

	CompletableFuture<Void> sendAsync(byte[] line, long maxWaitNanos) {
		return sendAsync(line, false, maxWaitNanos);
	}

	private CompletableFuture<Void> sendAsync(byte[] line, boolean reply, long maxWaitNanos) {
		CompletableFuture<Void> future = new CompletableFuture<>();
		try {
			if (!enqueue(new QueuedLines.PendingLine(QueuedLines.checkLine(this.settings.getChannel(), line), future),
					line, reply, maxWaitNanos)) {
				future.completeExceptionally(PipeSendException.queueFull(this.settings));
			}
		}
		catch (PipeSendException ex) {
			future.completeExceptionally(ex);
		}
		return future;
	}

	/**
	 * Queue an entry as the overflow policy says. A line that does not fit is counted as
	 * dropped and, unless the policy is to drop it quietly, reported to its sender.
	 * @param reply whether it came through the reply sink, so may be a reply of the chunk
	 * @param maxWaitNanos how long it may wait for room at most, if less than the send
	 * timeout
	 * @return whether it was queued
	 */
	private boolean enqueue(Object entry, byte[] line, boolean reply, long maxWaitNanos) {
		SendQueue sendQueue = this.queue;
		String channel = this.settings.getChannel();
		// Taken while stopping too, until the queue closes: replies to lines being
		// handled count.
		if (sendQueue == null) {
			throw PipeSendException.notRunning(channel, this.server.getState());
		}
		try {
			if (reply && this.chunkReplies.collect(sendQueue, entry)) {
				return true;
			}
			if (!reply) {
				this.chunkReplies.beforeSend(sendQueue);
			}
			if (sendQueue.offer(entry, maxWaitNanos)) {
				return true;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PipeSendException(channel, "Channel '" + channel + "': interrupted while sending", ex);
		}
		catch (IllegalStateException ex) {
			throw PipeSendException.notRunning(channel, this.server.getState());
		}
		dropped(line);
		if (this.settings.getOverflow() != OverflowPolicy.DROP_NEWEST) {
			throw PipeSendException.queueFull(this.settings);
		}
		return false;
	}

	/**
	 * Lines the queue dropped to make room, or replies collected by the reader that did
	 * not fit: their senders have returned, so they are told only through the counts, the
	 * listener and the futures of {@code sendAsync}. Each is accounted for even if the
	 * listener fails on another.
	 */
	private void rejected(List<Object> entries) {
		Throwable failure = null;
		for (Object entry : entries) {
			if (entry instanceof QueuedLines.PendingLine pending) {
				pending.future().completeExceptionally(PipeSendException.queueFull(this.settings));
			}
			try {
				dropped(QueuedLines.lineOf(entry));
			}
			catch (RuntimeException | Error ex) {
				failure = (failure != null) ? failure : ex;
			}
		}
		if (failure instanceof Error error) {
			throw error;
		}
		if (failure != null) {
			throw (RuntimeException) failure;
		}
	}

	private void dropped(byte[] line) {
		try {
			this.statistics.recordDropped(DropReason.QUEUE_FULL);
		}
		finally {
			// Counted before the first-drop actions are told: whatever they do, the
			// listener is still given the line, to keep it.
			this.listener.onDropped(this.server, DropReason.QUEUE_FULL, line.length);
			this.listener.onLineDropped(this.server, DropReason.QUEUE_FULL, line);
		}
	}

	/**
	 * The reply sink: a reply of the chunk being dispatched is collected, any other is
	 * sent as a plain send.
	 */
	private final class Replies implements ReplySink {

		@Override
		public void send(byte[] line) {
			enqueue(QueuedLines.checkLine(LineSender.this.settings.getChannel(), line), line, true, Long.MAX_VALUE);
		}

		@Override
		public CompletableFuture<Void> sendAsync(byte[] line) {
			return LineSender.this.sendAsync(line, true, Long.MAX_VALUE);
		}

		@Override
		public void flush() {
			SendQueue sendQueue = LineSender.this.queue;
			if (sendQueue != null) {
				LineSender.this.chunkReplies.beforeSend(sendQueue);
			}
		}

	}

}
