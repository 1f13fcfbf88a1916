package io.pipeio.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.pipeio.server.DropReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A channel's budget of warnings for one reason: spent after a few in an interval, whole
 * again in the next, which first says how many were left out.
 */
class WarningBudgetTests {

	private final AtomicLong now = new AtomicLong(1_000);

	private final WarningBudget budget = new WarningBudget(3, 100, this.now::get);

	@Test
	void aSpentBudgetIsWholeAgainInTheNextIntervalWhichSaysHowManyWereLeftOut() {
		assertThat(this.budget.take("orders", DropReason.MALFORMED)).isEmpty();
		assertThat(this.budget.take("orders", DropReason.MALFORMED)).isEmpty();
		assertThat(this.budget.take("orders", DropReason.MALFORMED))
			.isEqualTo(" [more malformed warnings of this channel within 0 s are logged at debug level only;"
					+ " every line is counted in pipeio.messages.dropped]");
		for (int i = 0; i < 7; i++) {
			assertThat(this.budget.take("orders", DropReason.MALFORMED)).isNull();
		}
		this.now.addAndGet(99);
		assertThat(this.budget.take("orders", DropReason.MALFORMED)).isNull();
		this.now.addAndGet(1);
		assertThat(this.budget.take("orders", DropReason.MALFORMED))
			.isEqualTo(" [8 more malformed warning(s) of this channel were logged at debug level only]");
		assertThat(this.budget.take("orders", DropReason.MALFORMED)).isEmpty();
	}

	@Test
	void channelsThatWarnedNoMoreAreForgottenOnceTheirIntervalEnded() {
		for (int i = 0; i < 1000; i++) {
			assertThat(this.budget.take("client-" + i, DropReason.MALFORMED)).isEmpty();
		}
		assertThat(this.budget.size()).isEqualTo(1000);
		this.now.addAndGet(99);
		this.budget.take("orders", DropReason.MALFORMED);
		assertThat(this.budget.size()).isEqualTo(1001);
		this.now.addAndGet(1);
		this.budget.take("orders", DropReason.MALFORMED);
		// "orders" began its interval 1 before: it is kept, with its budget spent
		assertThat(this.budget.size()).isOne();
		assertThat(this.budget.take("orders", DropReason.MALFORMED)).isNotEmpty();
		assertThat(this.budget.take("orders", DropReason.MALFORMED)).isNull();
		// a forgotten channel that warns again has its whole budget
		assertThat(this.budget.take("client-7", DropReason.MALFORMED)).isEmpty();
	}

	@Test
	void warningsLeftOutAreToldIfTheChannelWarnsWithinAnotherInterval() {
		for (int i = 0; i < 5; i++) {
			this.budget.take("orders", DropReason.MALFORMED);
		}
		this.now.addAndGet(100);
		this.budget.take("events", DropReason.MALFORMED);
		assertThat(this.budget.size()).isEqualTo(2);
		assertThat(this.budget.take("orders", DropReason.MALFORMED))
			.isEqualTo(" [2 more malformed warning(s) of this channel were logged at debug level only]");
		for (int i = 0; i < 5; i++) {
			this.budget.take("orders", DropReason.MALFORMED);
		}
		// then nothing from "orders" for two intervals: its left-out warnings are not
		// kept for good (the lines are counted in the meters)
		this.now.addAndGet(200);
		this.budget.take("events", DropReason.MALFORMED);
		assertThat(this.budget.size()).isOne();
		assertThat(this.budget.take("orders", DropReason.MALFORMED)).isEmpty();
	}

	@Test
	@Timeout(30)
	void takesThatRaceTheForgettingOfTheirWindowTakeFromOneBudget() throws InterruptedException {
		// a clock that moves on with every read: windows end, and are forgotten, all
		// along
		AtomicLong ticks = new AtomicLong();
		WarningBudget racing = new WarningBudget(3, 100, ticks::incrementAndGet);
		List<Thread> threads = new ArrayList<>();
		AtomicLong warned = new AtomicLong();
		for (int t = 0; t < 4; t++) {
			Thread thread = new Thread(() -> {
				for (int i = 0; i < 20_000; i++) {
					if (racing.take("client-" + (i % 50), DropReason.MALFORMED) != null) {
						warned.incrementAndGet();
					}
				}
			});
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(racing.size()).isLessThanOrEqualTo(50);
		// each of the 80,000 takes read the clock twice or more: at most 3 warnings a
		// channel in each of its windows of 100 ticks
		assertThat(warned.get()).isPositive().isLessThanOrEqualTo(3L * 50 * (ticks.get() / 100 + 1));
	}

	@Test
	void eachChannelAndReasonHasABudgetOfItsOwn() {
		for (int i = 0; i < 3; i++) {
			this.budget.take("orders", DropReason.MALFORMED);
		}
		assertThat(this.budget.take("orders", DropReason.MALFORMED)).isNull();
		assertThat(this.budget.take("orders", DropReason.HANDLER_ERROR)).isEmpty();
		assertThat(this.budget.take("events", DropReason.MALFORMED)).isEmpty();
	}

}
