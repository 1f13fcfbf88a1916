package io.pipeio.server;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Which channels' pipes the watchdog checks in its next round. Up to {@value #FULL_ROUND}
 * channels are all checked every round, as ever; more are spread over the rounds of a
 * second, so that every pipe is still checked at least once a second while the cost stays
 * in proportion: checking 9,000 channels five times a second kept a fifth of a core busy
 * on an idle application. Used by the watchdog thread only.
 *
 * @author pipe-io
 */
final class WatchdogRounds {

	/**
	 * How many channels are checked in every round, however many: up to this many, each
	 * is checked every round (a deleted pipe is re-created within 200 ms); 1,000 channels
	 * checked every round kept 3 % of a core busy on an idle application.
	 */
	static final int FULL_ROUND = 200;

	private final int roundsPerSecond;

	private Runnable[] sweep = new Runnable[0];

	private int next;

	/**
	 * @param intervalMillis the time between two rounds
	 */
	WatchdogRounds(long intervalMillis) {
		this.roundsPerSecond = (int) Math.max(1, 1000 / intervalMillis);
	}

	/**
	 * The checks of the next round: the next part of the current sweep, or the start of a
	 * new sweep over the checks registered now.
	 * @param registered the checks registered now
	 * @return the checks to run in this round, in order
	 */
	List<Runnable> nextRound(Collection<Runnable> registered) {
		if (this.next >= this.sweep.length) {
			this.sweep = registered.toArray(new Runnable[0]);
			this.next = 0;
		}
		int end = Math.min(this.sweep.length, this.next + perRound(this.sweep.length));
		List<Runnable> round = Arrays.asList(this.sweep).subList(this.next, end);
		this.next = end;
		return round;
	}

	/**
	 * @param checks how many checks a sweep has
	 * @return how many of them one round runs: all of them up to {@link #FULL_ROUND},
	 * otherwise at least that many and enough to finish the sweep within a second
	 */
	int perRound(int checks) {
		return Math.max(Math.min(checks, FULL_ROUND), -Math.floorDiv(-checks, this.roundsPerSecond));
	}

}
