package io.pipeio.plugin;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RestartBudget}: the waits between restarts and the window's limit, with the
 * clock passed in.
 */
class RestartBudgetTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	private static final Duration SHORT_RUN = Duration.ofMillis(10);

	private static RestartBudget budget(RestartPolicy policy, int restarts) {
		return new RestartBudget(PluginSettings.of(List.of("true"))
			.withRestart(policy, Duration.ofMillis(100), Duration.ofMillis(350), 2.0, restarts,
					Duration.ofSeconds(60)));
	}

	@Test
	void policyDecidesWhichExitAsksForARestart() {
		assertThat(budget(RestartPolicy.ALWAYS, 5).wanted(false)).isTrue();
		assertThat(budget(RestartPolicy.ON_FAILURE, 5).wanted(false)).isFalse();
		assertThat(budget(RestartPolicy.ON_FAILURE, 5).wanted(true)).isTrue();
		assertThat(budget(RestartPolicy.NEVER, 5).wanted(true)).isFalse();
	}

	@Test
	void waitGrowsUpToTheLongestAndStartsAgainAfterALongRun() {
		RestartBudget budget = budget(RestartPolicy.ALWAYS, 10);
		assertThat(budget.take(SHORT_RUN, 0)).isEqualTo(Duration.ofMillis(100));
		assertThat(budget.take(SHORT_RUN, SECOND)).isEqualTo(Duration.ofMillis(200));
		assertThat(budget.take(SHORT_RUN, 2 * SECOND)).isEqualTo(Duration.ofMillis(350));
		assertThat(budget.take(SHORT_RUN, 3 * SECOND)).isEqualTo(Duration.ofMillis(350));
		// ran longer than the longest wait: not a crash loop any more
		assertThat(budget.take(Duration.ofSeconds(5), 4 * SECOND)).isEqualTo(Duration.ofMillis(100));
	}

	@Test
	void restartsWithinTheWindowAreLimitedAndComeBackWhenItMovesOn() {
		RestartBudget budget = budget(RestartPolicy.ALWAYS, 2);
		assertThat(budget.take(SHORT_RUN, 0)).isNotNull();
		assertThat(budget.take(SHORT_RUN, SECOND)).isNotNull();
		assertThat(budget.take(SHORT_RUN, 2 * SECOND)).isNull();
		// the first restart left the 60 s window
		assertThat(budget.take(SHORT_RUN, 61 * SECOND)).isNotNull();
		assertThat(budget.take(SHORT_RUN, 61 * SECOND)).isNull();
	}

	@Test
	void durationsLongerThanNanosecondsHoldAreAsGoodAsEndless() {
		// 200,000 days: over the some 292 years a long of nanoseconds holds
		Duration centuries = Duration.ofDays(200_000);
		RestartBudget budget = new RestartBudget(PluginSettings.of(List.of("true"))
			.withRestart(RestartPolicy.ALWAYS, centuries, centuries, 2.0, 1, centuries));
		assertThat(budget.take(SHORT_RUN, 0)).isEqualTo(centuries);
		// the window never moves on
		assertThat(budget.take(SHORT_RUN, Long.MAX_VALUE)).isNull();
	}

	@Test
	void resetForgetsEarlierRestarts() {
		RestartBudget budget = budget(RestartPolicy.ALWAYS, 1);
		assertThat(budget.take(SHORT_RUN, 0)).isEqualTo(Duration.ofMillis(100));
		assertThat(budget.take(SHORT_RUN, SECOND)).isNull();
		budget.reset();
		assertThat(budget.take(SHORT_RUN, 2 * SECOND)).isEqualTo(Duration.ofMillis(100));
	}

}
