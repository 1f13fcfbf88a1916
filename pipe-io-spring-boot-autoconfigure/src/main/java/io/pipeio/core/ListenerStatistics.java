package io.pipeio.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.pipeio.server.ChannelStatistics;
import io.pipeio.server.DropReason;
import io.pipeio.server.HandlerStatistics;
import org.jspecify.annotations.Nullable;

/**
 * What a channel counts of the lines its listener side drops and of what it does with
 * them: the reasons only this layer can see ({@code handler-error} for a listener that
 * failed, {@code malformed}, {@code no-listener}), retries, dead letters and the last
 * error. The engine's {@link ChannelStatistics} reads these and adds them to its own, so
 * that {@link PipeChannel#getStatistics()} still answers everything while the engine's
 * counters can be changed by the engine only.
 * <p>
 * The reasons themselves stay the constants of {@link DropReason}, the one list of reason
 * names whichever layer counts them: metric tags, the endpoint and the dead-letter file
 * all take their values from it.
 *
 * @author pipe-io
 */
final class ListenerStatistics implements HandlerStatistics {

	private static final VarHandle COUNTS;

	static {
		try {
			COUNTS = MethodHandles.lookup().findVarHandle(ListenerStatistics.class, "counts", AtomicLongArray.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private static final int HANDLER_ERRORS = 0;

	private static final int MALFORMED = 1;

	private static final int NO_LISTENER = 2;

	private static final int LATE_ANSWERS = 3;

	private static final int RETRIES = 4;

	private static final int DEAD_LETTERED = 5;

	private static final int DEAD_LETTER_FAILURES = 6;

	/**
	 * The counters by the indexes above, made with the first count through
	 * {@link #COUNTS}: one array rather than seven LongAdders (about 250 bytes a
	 * channel), and none at all for the many channels of an application that never drop,
	 * retry or dead-letter a line. Where these happen, the work around a count costs far
	 * more than the count.
	 */
	private volatile @Nullable AtomicLongArray counts;

	private final AtomicReference<ChannelStatistics.@Nullable LastError> lastError = new AtomicReference<>();

	private final List<Consumer<DropReason>> dropWatchers = new CopyOnWriteArrayList<>();

	private final boolean retrying;

	private final boolean keepingDeadLetters;

	/**
	 * Create the counters of a channel.
	 * @param retries whether the channel calls a listener again with a line it failed on
	 * @param deadLetters whether it writes dropped lines to a dead-letter file
	 */
	ListenerStatistics(boolean retries, boolean deadLetters) {
		this.retrying = retries;
		this.keepingDeadLetters = deadLetters;
	}

	/**
	 * Count a line dropped for a reason of this layer.
	 * @param reason {@link DropReason#HANDLER_ERROR}, {@link DropReason#MALFORMED},
	 * {@link DropReason#NO_LISTENER} or {@link DropReason#LATE_ANSWER}
	 * @throws IllegalArgumentException for a reason only the engine sees
	 */
	void dropped(DropReason reason) {
		counts().incrementAndGet(counter(reason));
		for (Consumer<DropReason> watcher : this.dropWatchers) {
			watcher.accept(reason);
		}
	}

	/** Count a listener called again with a line it had failed on. */
	void retried() {
		counts().incrementAndGet(RETRIES);
	}

	/** Count a dropped line written to the dead-letter file. */
	void deadLettered() {
		counts().incrementAndGet(DEAD_LETTERED);
	}

	/** Count a dropped line that could not be written to the dead-letter file. */
	void deadLetterFailed() {
		counts().incrementAndGet(DEAD_LETTER_FAILURES);
	}

	/**
	 * Remember an error as the channel's last one.
	 * @param error the error
	 */
	void error(Throwable error) {
		this.lastError.set(new ChannelStatistics.LastError(Instant.now(), error.getClass().getName(),
				String.valueOf(error.getMessage())));
	}

	@Override
	public boolean retries() {
		return this.retrying;
	}

	@Override
	public boolean keepsDeadLetters() {
		return this.keepingDeadLetters;
	}

	@Override
	public void watchDrops(Consumer<DropReason> dropped) {
		this.dropWatchers.add(dropped);
	}

	@Override
	public long getDropped(DropReason reason) {
		return switch (reason) {
			case HANDLER_ERROR, MALFORMED, NO_LISTENER, LATE_ANSWER -> count(counter(reason));
			default -> 0;
		};
	}

	@Override
	public long getRetries() {
		return count(RETRIES);
	}

	@Override
	public long getDeadLettered() {
		return count(DEAD_LETTERED);
	}

	@Override
	public long getDeadLetterFailures() {
		return count(DEAD_LETTER_FAILURES);
	}

	@Override
	public ChannelStatistics.@Nullable LastError getLastError() {
		return this.lastError.get();
	}

	private AtomicLongArray counts() {
		AtomicLongArray counts = this.counts;
		if (counts == null) {
			AtomicLongArray made = new AtomicLongArray(7);
			// The array of another thread that made one first, if any, is the one kept.
			AtomicLongArray first = (AtomicLongArray) COUNTS.compareAndExchange(this, null, made);
			counts = (first != null) ? first : made;
		}
		return counts;
	}

	private long count(int index) {
		AtomicLongArray counts = this.counts;
		return (counts != null) ? counts.get(index) : 0;
	}

	private static int counter(DropReason reason) {
		return switch (reason) {
			case HANDLER_ERROR -> HANDLER_ERRORS;
			case MALFORMED -> MALFORMED;
			case NO_LISTENER -> NO_LISTENER;
			case LATE_ANSWER -> LATE_ANSWERS;
			default -> throw new IllegalArgumentException("Only the engine counts lines dropped as " + reason.tag());
		};
	}

}
