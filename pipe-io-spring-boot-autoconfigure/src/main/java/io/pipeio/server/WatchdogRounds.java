package io.pipeio.server;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Which channels' pipes the watchdog checks in its next round, in sweeps over all of
 * them. Used by the watchdog thread only, in one of two ways:
 * <ul>
 * <li>{@linkplain #everySecond pipes nothing else watches}: up to {@value #FULL_ROUND}
 * channels are all checked every round, as ever; more are spread over the rounds of a
 * second, so that every pipe is still checked at least once a second while the cost stays
 * in proportion: checking 9,000 channels five times a second kept a fifth of a core busy
 * on an idle application;</li>
 * <li>{@linkplain #spread pipes whose directories tell of their changes}: only a backstop
 * for what those events cannot see (a parent directory renamed), so each is checked once
 * a sweep of many seconds, spread evenly over its rounds.</li>
 * </ul>
 *
 * @author pipe-io
 */
final class WatchdogRounds<T> {

	/**
	 * How many channels are checked in every round, however many: up to this many, each
	 * is checked every round (a deleted pipe is re-created within 200 ms); 1,000 channels
	 * checked every round kept 3 % of a core busy on an idle application.
	 */
	static final int FULL_ROUND = 200;

	private final long intervalMillis;

	private final LongSupplier sweepMillis;

	private final int fullRound;

	private Object[] sweep = new Object[0];

	private int next;

	/** Rounds since the current sweep started. */
	private int rounds;

	/** Rounds the current sweep spans at least. */
	private int sweepRounds;

	private WatchdogRounds(long intervalMillis, LongSupplier sweepMillis, int fullRound) {
		this.intervalMillis = intervalMillis;
		this.sweepMillis = sweepMillis;
		this.fullRound = fullRound;
		// A spread sweep is a backstop: its first starts once its time has passed.
		this.sweepRounds = (fullRound > 0) ? 1 : roundsPerSweep();
	}

	/**
	 * Check up to {@value #FULL_ROUND} channels every round, and more at least once a
	 * second.
	 * @param intervalMillis the time between two rounds
	 * @return the rounds
	 */
	static <T> WatchdogRounds<T> everySecond(long intervalMillis) {
		return new WatchdogRounds<>(intervalMillis, () -> 1000, FULL_ROUND);
	}

	/**
	 * Check each channel once a sweep, however few there are, the first sweep once its
	 * time has passed.
	 * @param intervalMillis the time between two rounds
	 * @param sweepMillis how long a sweep takes, read as each sweep starts
	 * @return the rounds
	 */
	static <T> WatchdogRounds<T> spread(long intervalMillis, LongSupplier sweepMillis) {
		return new WatchdogRounds<>(intervalMillis, sweepMillis, 0);
	}

	/**
	 * The checks of the next round: the next part of the current sweep, or the start of a
	 * new sweep over the checks registered now once the current one has had its rounds.
	 * @param registered the checks registered now
	 * @return the checks to run in this round, in order
	 */
	@SuppressWarnings("unchecked")
	List<T> nextRound(Collection<T> registered) {
		this.rounds++;
		if (this.next >= this.sweep.length && this.rounds >= this.sweepRounds) {
			this.sweep = registered.toArray();
			this.next = 0;
			this.rounds = 0;
			this.sweepRounds = (this.sweep.length > this.fullRound) ? roundsPerSweep() : 1;
		}
		int end = Math.min(this.sweep.length, this.next + perRound(this.sweep.length));
		List<T> round = (List<T>) Arrays.asList(this.sweep).subList(this.next, end);
		this.next = end;
		return round;
	}

	private int roundsPerSweep() {
		return (int) Math.max(1, this.sweepMillis.getAsLong() / this.intervalMillis);
	}

	/**
	 * @param checks how many checks a sweep has
	 * @return how many of them one round runs: all of them up to the full round,
	 * otherwise at least that many and enough to finish the sweep in its time
	 */
	int perRound(int checks) {
		return Math.max(Math.min(checks, this.fullRound), -Math.floorDiv(-checks, roundsPerSweep()));
	}

}
