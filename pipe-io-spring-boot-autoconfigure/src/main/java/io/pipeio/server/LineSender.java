package io.pipeio.server;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * The sending side of a {@link PipeServer}: checks each line, queues it for the writer (waiting
 * up to the send timeout for room) and accounts for lines that could not be queued. The queue
 * exists while the server runs.
 *
 * @author pipe-io
 */
final class LineSender {

	private final PipeServer server;

	private final PipeServerSettings settings;

	private final ChannelStatistics statistics;

	private final PipeServerListener listener;

	private volatile @Nullable SendQueue queue;

	LineSender(PipeServer server, PipeServerSettings settings, ChannelStatistics statistics,
			PipeServerListener listener) {
		this.server = server;
		this.settings = settings;
		this.statistics = statistics;
		this.listener = listener;
	}

	/** @return a new queue for a starting server; it takes sends once {@link #open} is called */
	SendQueue newQueue() {
		return new SendQueue(this.settings.getSendQueueCapacity(), this::rejected);
	}

	void open(SendQueue sendQueue) {
		this.queue = sendQueue;
	}

	void close() {
		this.queue = null;
	}

	/** @return the queue while running, for the dispatcher to batch replies into */
	@Nullable SendQueue queue() {
		return this.queue;
	}

	int queueSize() {
		SendQueue sendQueue = this.queue;
		return (sendQueue != null) ? sendQueue.size() : 0;
	}

	void send(byte[] line) {
		enqueue(line, OutboundPipe.checkLine(this.settings.getChannel(), line));
	}

	CompletableFuture<Void> sendAsync(byte[] line) {
		CompletableFuture<Void> future = new CompletableFuture<>();
		try {
			enqueue(new OutboundPipe.PendingLine(OutboundPipe.checkLine(this.settings.getChannel(), line), future),
					line);
		}
		catch (PipeSendException ex) {
			future.completeExceptionally(ex);
		}
		return future;
	}

	private void enqueue(Object entry, byte[] line) {
		SendQueue sendQueue = this.queue;
		String channel = this.settings.getChannel();
		// Taken while stopping too, until the queue closes: replies to lines being handled count.
		if (sendQueue == null) {
			throw PipeSendException.notRunning(channel, this.server.getState());
		}
		try {
			if (!sendQueue.offer(entry, SendQueue.nanos(this.settings.getSendTimeout()))) {
				dropped(line);
				throw PipeSendException.queueFull(this.settings);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PipeSendException(channel, "Channel '" + channel + "': interrupted while sending", ex);
		}
		catch (IllegalStateException ex) {
			throw PipeSendException.notRunning(channel, this.server.getState());
		}
	}

	/** A reply batched by the reader did not fit into the queue within the send timeout. */
	private void rejected(Object entry) {
		if (entry instanceof OutboundPipe.PendingLine pending) {
			dropped(pending.line());
			pending.future().completeExceptionally(PipeSendException.queueFull(this.settings));
		}
		else {
			dropped((byte[]) entry);
		}
	}

	private void dropped(byte[] line) {
		this.statistics.recordDropped(DropReason.QUEUE_FULL);
		this.listener.onDropped(this.server, DropReason.QUEUE_FULL, line.length);
	}

}
