package io.pipeio.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Counters of one channel, cheap to update on the hot path and safe to read from any
 * thread (metrics, health). Received counters have a single writer (the dispatching
 * reader); sent counters are added to atomically, as are drops, which come from anywhere.
 * <p>
 * The engine writes only what it sees itself; what the channel's {@link LineHandler}
 * counts (a failed listener, a malformed line, retries and dead letters) it keeps in its
 * own {@link HandlerStatistics}, which these counters read and add in. So one object
 * answers every question about a channel, and no layer above the engine can change the
 * engine's counts.
 * <p>
 * A line is counted as received before its handler runs, so no client can see a reply
 * before the count of its request. The received counters are written once per line with a
 * release store, which costs a plain store on common CPUs where a volatile store costs a
 * fence.
 *
 * @author pipe-io
 */
public final class ChannelStatistics {

	private static final VarHandle RECEIVED_MESSAGES;

	private static final VarHandle RECEIVED_BYTES;

	private static final VarHandle SENT_MESSAGES;

	private static final VarHandle SENT_BYTES;

	private static final VarHandle REASONS_DROPPED;

	private static final VarHandle DROPPED;

	private static final DropReason[] REASONS = DropReason.values();

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			RECEIVED_MESSAGES = lookup.findVarHandle(ChannelStatistics.class, "receivedMessages", long.class);
			RECEIVED_BYTES = lookup.findVarHandle(ChannelStatistics.class, "receivedBytes", long.class);
			SENT_MESSAGES = lookup.findVarHandle(ChannelStatistics.class, "sentMessages", long.class);
			SENT_BYTES = lookup.findVarHandle(ChannelStatistics.class, "sentBytes", long.class);
			REASONS_DROPPED = lookup.findVarHandle(ChannelStatistics.class, "reasonsDropped", int.class);
			DROPPED = lookup.findVarHandle(ChannelStatistics.class, "dropped", AtomicLongArray.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** Written only through {@link #RECEIVED_MESSAGES} (release), read with acquire. */
	private long receivedMessages;

	private long receivedBytes;

	private volatile long sentMessages;

	private volatile long sentBytes;

	private volatile boolean clientConnected;

	/**
	 * Lines dropped, by reason ordinal; made with the first line dropped, through
	 * {@link #DROPPED}. Drops are rare, so one array rather than a contention-free adder
	 * per reason, and none at all (about 120 bytes) for the many channels of an
	 * application that never drop a line.
	 */
	private volatile @Nullable AtomicLongArray dropped;

	/**
	 * A bit per {@link DropReason} (by ordinal) for which a line was dropped, by the
	 * engine or the handler, so that the first drop of a reason is seen once.
	 */
	private volatile int reasonsDropped;

	private final List<Consumer<DropReason>> firstDropActions = new CopyOnWriteArrayList<>();

	private final AtomicReference<@Nullable LastError> lastError = new AtomicReference<>();

	private final HandlerStatistics handler;

	ChannelStatistics(HandlerStatistics handler) {
		this.handler = handler;
		handler.watchDrops(this::noteDropped);
	}

	/**
	 * @return lines received from the in pipe and handed to the handler
	 */
	public long getReceivedMessages() {
		return (long) RECEIVED_MESSAGES.getAcquire(this);
	}

	/**
	 * @return bytes of the received lines, without newlines
	 */
	public long getReceivedBytes() {
		return (long) RECEIVED_BYTES.getAcquire(this);
	}

	/**
	 * @return lines written to the out pipe
	 */
	public long getSentMessages() {
		return this.sentMessages;
	}

	/**
	 * @return bytes of the written lines, without newlines
	 */
	public long getSentBytes() {
		return this.sentBytes;
	}

	/**
	 * Return how many lines were dropped for a reason.
	 * @param reason the reason
	 * @return the count
	 */
	public long getDropped(DropReason reason) {
		AtomicLongArray counts = this.dropped;
		return ((counts != null) ? counts.get(reason.ordinal()) : 0) + this.handler.getDropped(reason);
	}

	/**
	 * @return lines dropped for any reason
	 */
	public long getDroppedTotal() {
		long total = 0;
		for (DropReason reason : DropReason.values()) {
			total += getDropped(reason);
		}
		return total;
	}

	/**
	 * @return the last error recorded by the engine or the handler, or {@code null}
	 */
	public @Nullable LastError getLastError() {
		LastError own = this.lastError.get();
		LastError handler = this.handler.getLastError();
		if (own == null) {
			return handler;
		}
		return (handler != null && handler.time().isAfter(own.time())) ? handler : own;
	}

	/**
	 * Call an action for every reason lines were dropped for so far, and later, on the
	 * thread that drops it, for the first line dropped for any other reason. Meters, for
	 * instance, can so show a reason only once it happened, rather than a counter for
	 * every reason of every channel. The action may be called twice for a reason whose
	 * first line is dropped while this is called; it must be quick and must not throw.
	 * @param action what to call with a reason
	 */
	public void forEachDropReason(Consumer<DropReason> action) {
		this.firstDropActions.add(action);
		int seen = this.reasonsDropped;
		for (DropReason reason : REASONS) {
			if ((seen & bit(reason)) != 0) {
				action.accept(reason);
			}
		}
	}

	void recordDropped(DropReason reason) {
		droppedCounts().incrementAndGet(reason.ordinal());
		noteDropped(reason);
	}

	/**
	 * Count lines dropped for a reason; none is nothing: a reason is seen (and gets its
	 * meter) only with its first dropped line, so a channel that dropped none has none.
	 */
	void recordDropped(DropReason reason, long lines) {
		if (lines <= 0) {
			return;
		}
		droppedCounts().addAndGet(reason.ordinal(), lines);
		noteDropped(reason);
	}

	private AtomicLongArray droppedCounts() {
		AtomicLongArray counts = this.dropped;
		if (counts == null) {
			AtomicLongArray made = new AtomicLongArray(REASONS.length);
			// The array of another thread that made one first, if any, is the one kept.
			AtomicLongArray first = (AtomicLongArray) DROPPED.compareAndExchange(this, null, made);
			counts = (first != null) ? first : made;
		}
		return counts;
	}

	/**
	 * Mark a reason as seen, after its count was added, and tell the actions if it is the
	 * first time: one volatile read for every later drop.
	 */
	private void noteDropped(DropReason reason) {
		int bit = bit(reason);
		int seen = this.reasonsDropped;
		while ((seen & bit) == 0) {
			if (REASONS_DROPPED.compareAndSet(this, seen, seen | bit)) {
				tellFirstDrop(reason);
				return;
			}
			seen = this.reasonsDropped;
		}
	}

	/**
	 * Tell every action of a reason's first drop, the later ones too if one throws (which
	 * it must not): a meter left out for one reason is not to cost the others theirs.
	 * What the first that threw threw is thrown on afterwards.
	 */
	private void tellFirstDrop(DropReason reason) {
		RuntimeException failure = null;
		for (Consumer<DropReason> action : this.firstDropActions) {
			try {
				action.accept(reason);
			}
			catch (RuntimeException ex) {
				failure = (failure != null) ? failure : ex;
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	private static int bit(DropReason reason) {
		return 1 << reason.ordinal();
	}

	/**
	 * @return whether the channel's handler may call a listener again with a line it
	 * failed on: otherwise {@link #getRetries()} stays 0
	 */
	public boolean countsRetries() {
		return this.handler.retries();
	}

	/**
	 * @return whether the channel's handler writes dropped lines to a dead-letter file:
	 * otherwise {@link #getDeadLettered()} and {@link #getDeadLetterFailures()} stay 0
	 */
	public boolean countsDeadLetters() {
		return this.handler.keepsDeadLetters();
	}

	/**
	 * @return times a listener was called again with a line it had failed on
	 */
	public long getRetries() {
		return this.handler.getRetries();
	}

	/**
	 * @return dropped lines written to the channel's dead-letter file
	 */
	public long getDeadLettered() {
		return this.handler.getDeadLettered();
	}

	/**
	 * @return dropped lines that could not be written to the channel's dead-letter file
	 */
	public long getDeadLetterFailures() {
		return this.handler.getDeadLetterFailures();
	}

	/**
	 * Return whether a client is writing to the in pipe: from its first byte until every
	 * writer has closed the pipe. A client that opened the pipe but has not written yet
	 * is not seen.
	 * @return whether a client is connected
	 */
	public boolean isClientConnected() {
		return this.clientConnected;
	}

	void setClientConnected(boolean connected) {
		this.clientConnected = connected;
	}

	/**
	 * Remember an error of the engine as the channel's last one.
	 * @param error the error
	 */
	void recordError(Throwable error) {
		this.lastError
			.set(new LastError(Instant.now(), error.getClass().getName(), String.valueOf(error.getMessage())));
	}

	/**
	 * Count one received line. Single writer: the dispatching reader (readers of a
	 * channel are serialised by the dispatch lock, which also orders their plain reads of
	 * the fields).
	 * @param bytes its length without the newline
	 */
	void addReceived(long bytes) {
		RECEIVED_BYTES.setRelease(this, this.receivedBytes + bytes);
		RECEIVED_MESSAGES.setRelease(this, this.receivedMessages + 1);
	}

	/**
	 * Count lines written, once per batch. Atomic, though one writer runs at a time: a
	 * writer thread a stop gave up on (held up by a slow listener) may still count its
	 * last batch when the channel has started again with a new one. An atomic add costs
	 * about what the volatile store it replaces did.
	 * @param messages the lines
	 * @param bytes their length without the newlines
	 */
	void addSent(long messages, long bytes) {
		SENT_MESSAGES.getAndAdd(this, messages);
		SENT_BYTES.getAndAdd(this, bytes);
	}

	/**
	 * The last error of a channel.
	 *
	 * @param time when it happened
	 * @param type the exception class name
	 * @param message the exception message
	 */
	public record LastError(Instant time, String type, String message) {
	}

}
