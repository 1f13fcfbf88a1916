package io.pipeio.core;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
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

	private final LongAdder handlerErrors = new LongAdder();

	private final LongAdder malformed = new LongAdder();

	private final LongAdder noListener = new LongAdder();

	private final LongAdder lateAnswers = new LongAdder();

	private final LongAdder retries = new LongAdder();

	private final LongAdder deadLettered = new LongAdder();

	private final LongAdder deadLetterFailures = new LongAdder();

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
		counter(reason).increment();
		for (Consumer<DropReason> watcher : this.dropWatchers) {
			watcher.accept(reason);
		}
	}

	/** Count a listener called again with a line it had failed on. */
	void retried() {
		this.retries.increment();
	}

	/** Count a dropped line written to the dead-letter file. */
	void deadLettered() {
		this.deadLettered.increment();
	}

	/** Count a dropped line that could not be written to the dead-letter file. */
	void deadLetterFailed() {
		this.deadLetterFailures.increment();
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
			case HANDLER_ERROR, MALFORMED, NO_LISTENER, LATE_ANSWER -> counter(reason).sum();
			default -> 0;
		};
	}

	@Override
	public long getRetries() {
		return this.retries.sum();
	}

	@Override
	public long getDeadLettered() {
		return this.deadLettered.sum();
	}

	@Override
	public long getDeadLetterFailures() {
		return this.deadLetterFailures.sum();
	}

	@Override
	public ChannelStatistics.@Nullable LastError getLastError() {
		return this.lastError.get();
	}

	private LongAdder counter(DropReason reason) {
		return switch (reason) {
			case HANDLER_ERROR -> this.handlerErrors;
			case MALFORMED -> this.malformed;
			case NO_LISTENER -> this.noListener;
			case LATE_ANSWER -> this.lateAnswers;
			default -> throw new IllegalArgumentException("Only the engine counts lines dropped as " + reason.tag());
		};
	}

}
