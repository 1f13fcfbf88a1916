package io.pipeio.server;

import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The counters a {@link LineHandler} keeps itself: lines it was given and dropped for
 * reasons only it can see (a listener that failed, a line that could not be converted, a
 * channel without a listener), what it did with them (retries, dead letters) and its last
 * error. {@link ChannelStatistics} reads them and adds them to the engine's own, so that
 * a channel still has one set of counters to read, while each layer writes only its own:
 * the engine needs no mutators for the layer above, and counts nothing it did not see.
 * <p>
 * Read from any thread (metrics, health), so implementations must be safe to read
 * concurrently with their updates.
 *
 * @author pipe-io
 * @see LineHandler#getStatistics()
 */
public interface HandlerStatistics {

	/**
	 * The counters of a handler that keeps none.
	 */
	HandlerStatistics NONE = new HandlerStatistics() {
	};

	/**
	 * Return how many lines the handler dropped for a reason; the engine adds its own
	 * count of the same reason, if any.
	 * @param reason the reason
	 * @return the count
	 */
	default long getDropped(DropReason reason) {
		return 0;
	}

	/**
	 * Called once by the channel's {@link ChannelStatistics} with what to call, after
	 * counting it, for every line the handler drops, so that the first drop of each
	 * reason is seen whichever layer counts it. A handler that drops no line may ignore
	 * it.
	 * @param dropped what to call with the reason of a dropped line
	 */
	default void watchDrops(Consumer<DropReason> dropped) {
	}

	/**
	 * Tell whether the handler may call a listener again with a line it failed on, so
	 * that counting its retries means something (a meter of them, for instance).
	 * @return whether it retries; {@code false} by default
	 */
	default boolean retries() {
		return false;
	}

	/**
	 * Tell whether the handler writes the lines it drops to a dead-letter file, so that
	 * counting dead letters means something.
	 * @return whether it has a dead-letter file; {@code false} by default
	 */
	default boolean keepsDeadLetters() {
		return false;
	}

	/**
	 * @return times a listener was called again with a line it had failed on
	 */
	default long getRetries() {
		return 0;
	}

	/**
	 * @return dropped lines written to a dead-letter file
	 */
	default long getDeadLettered() {
		return 0;
	}

	/**
	 * @return dropped lines that could not be written to a dead-letter file
	 */
	default long getDeadLetterFailures() {
		return 0;
	}

	/**
	 * @return the last error the handler recorded, or {@code null}
	 */
	default ChannelStatistics.@Nullable LastError getLastError() {
		return null;
	}

}
