package io.pipeio.server;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WatchdogRounds}: which pipe checks each round of the watchdog runs.
 */
class WatchdogRoundsTests {

	private final WatchdogRounds<Runnable> rounds = WatchdogRounds.everySecond(200);

	@Test
	void upToTwoHundredChannelsAreAllCheckedEveryRound() {
		Set<Runnable> checks = checks(200);
		for (int round = 0; round < 3; round++) {
			assertThat(this.rounds.nextRound(checks)).containsExactlyElementsOf(checks);
		}
	}

	@Test
	void moreAreSpreadOverTheRoundsOfASecondEachOnceASweep() {
		Set<Runnable> checks = checks(9000);
		List<Runnable> sweep = new ArrayList<>();
		for (int round = 0; round < 5; round++) {
			List<Runnable> checked = this.rounds.nextRound(checks);
			assertThat(checked).hasSize(1800);
			sweep.addAll(checked);
		}
		assertThat(sweep).containsExactlyElementsOf(checks);
		assertThat(this.rounds.nextRound(checks)).containsExactlyElementsOf(sweep.subList(0, 1800));
	}

	@Test
	void aFewMoreThanTwoHundredStillCheckTwoHundredARound() {
		assertThat(this.rounds.perRound(1)).isEqualTo(1);
		assertThat(this.rounds.perRound(500)).isEqualTo(200);
		assertThat(this.rounds.perRound(1001)).isEqualTo(201);
		assertThat(this.rounds.perRound(9000)).isEqualTo(1800);
		Set<Runnable> checks = checks(500);
		assertThat(this.rounds.nextRound(checks)).hasSize(200);
		assertThat(this.rounds.nextRound(checks)).hasSize(200);
		assertThat(this.rounds.nextRound(checks)).hasSize(100);
	}

	@Test
	void checksRegisteredDuringASweepJoinTheNextOne() {
		Set<Runnable> checks = checks(400);
		this.rounds.nextRound(checks);
		Runnable late = new NamedCheck(-1);
		checks.add(late);
		assertThat(this.rounds.nextRound(checks)).doesNotContain(late);
		// the rest of the second (the sweep is done), then the next sweep
		List<Runnable> nextSweep = new ArrayList<>();
		for (int round = 0; round < 6; round++) {
			nextSweep.addAll(this.rounds.nextRound(checks));
		}
		assertThat(nextSweep).containsExactlyElementsOf(checks);
	}

	@Test
	void spreadChecksEachOnceASweepHoweverFewThereAre() {
		WatchdogRounds<Runnable> spread = WatchdogRounds.spread(200, () -> 10_000);
		Set<Runnable> few = checks(3);
		List<Runnable> checked = new ArrayList<>();
		for (int round = 0; round < 49; round++) {
			checked.addAll(spread.nextRound(few));
		}
		assertThat(checked).as("none before the sweep's time").isEmpty();
		for (int round = 0; round < 50; round++) {
			checked.addAll(spread.nextRound(few));
		}
		assertThat(checked).containsExactlyElementsOf(few);
		List<Runnable> nextSweep = new ArrayList<>();
		for (int round = 0; round < 50; round++) {
			nextSweep.addAll(spread.nextRound(few));
		}
		assertThat(nextSweep).containsExactlyElementsOf(few);
	}

	@Test
	void spreadChecksOfManyAreSharedOutOverTheRoundsOfTheSweep() {
		WatchdogRounds<Runnable> spread = WatchdogRounds.spread(200, () -> 10_000);
		Set<Runnable> checks = checks(9000);
		for (int round = 0; round < 49; round++) {
			assertThat(spread.nextRound(checks)).isEmpty();
		}
		List<Runnable> sweep = new ArrayList<>();
		for (int round = 0; round < 50; round++) {
			List<Runnable> checked = spread.nextRound(checks);
			assertThat(checked).hasSize(180);
			sweep.addAll(checked);
		}
		assertThat(sweep).containsExactlyElementsOf(checks);
	}

	private static Set<Runnable> checks(int count) {
		Set<Runnable> checks = new LinkedHashSet<>();
		for (int i = 0; i < count; i++) {
			checks.add(new NamedCheck(i));
		}
		return checks;
	}

	private record NamedCheck(int id) implements Runnable {

		@Override
		public void run() {
		}

	}

}
