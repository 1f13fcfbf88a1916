package io.pipeio.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A channel's counters are the engine's own plus those its handler keeps: readers see one
 * set of counters although each layer writes only its own.
 */
class ChannelStatisticsTests {

	@Test
	void dropsOfTheHandlerAddToTheEnginesOwn() {
		ChannelStatistics statistics = new ChannelStatistics(new FixedHandlerStatistics(null));
		statistics.recordDropped(DropReason.HANDLER_ERROR);
		statistics.recordDropped(DropReason.TOO_LARGE, 2);
		assertThat(statistics.getDropped(DropReason.HANDLER_ERROR)).isEqualTo(4);
		assertThat(statistics.getDropped(DropReason.MALFORMED)).isEqualTo(5);
		assertThat(statistics.getDropped(DropReason.TOO_LARGE)).isEqualTo(2);
		assertThat(statistics.getDroppedTotal()).isEqualTo(11);
		assertThat(statistics.getRetries()).isEqualTo(7);
		assertThat(statistics.getDeadLettered()).isEqualTo(8);
		assertThat(statistics.getDeadLetterFailures()).isEqualTo(9);
	}

	@Test
	void linesSentByTwoWritersAtOnceAreAllCounted() throws Exception {
		// As a writer thread a stop gave up on counts its last batch while the channel's
		// next run writes with a new one.
		ChannelStatistics statistics = new ChannelStatistics(new FixedHandlerStatistics(null));
		int batches = 2_000_000;
		CountDownLatch go = new CountDownLatch(1);
		Runnable writer = () -> {
			try {
				go.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			for (int i = 0; i < batches; i++) {
				statistics.addSent(2, 10);
			}
		};
		Thread old = new Thread(writer, "old-writer");
		Thread next = new Thread(writer, "next-writer");
		old.start();
		next.start();
		go.countDown();
		old.join();
		next.join();
		assertThat(statistics.getSentMessages()).isEqualTo(2L * 2 * batches);
		assertThat(statistics.getSentBytes()).isEqualTo(2L * 10 * batches);
	}

	@Test
	void lastErrorIsTheNewerOfTheEnginesAndTheHandlers() {
		ChannelStatistics.LastError old = new ChannelStatistics.LastError(Instant.EPOCH, "Old", "old");
		ChannelStatistics statistics = new ChannelStatistics(new FixedHandlerStatistics(old));
		assertThat(statistics.getLastError()).isSameAs(old);
		statistics.recordError(new IllegalStateException("now"));
		assertThat(statistics.getLastError()).satisfies((error) -> {
			assertThat(error.type()).isEqualTo(IllegalStateException.class.getName());
			assertThat(error.message()).isEqualTo("now");
		});
		ChannelStatistics.LastError future = new ChannelStatistics.LastError(Instant.now().plusSeconds(60), "New",
				"new");
		assertThat(new ChannelStatistics(new FixedHandlerStatistics(future)).getLastError()).isSameAs(future);
	}

	@Test
	void eachReasonIsReportedOnceFromItsFirstDropWhoeverCountsIt() {
		List<Consumer<DropReason>> handlerWatchers = new ArrayList<>();
		HandlerStatistics handler = new HandlerStatistics() {

			@Override
			public void watchDrops(Consumer<DropReason> dropped) {
				handlerWatchers.add(dropped);
			}

		};
		ChannelStatistics statistics = new ChannelStatistics(handler);
		assertThat(handlerWatchers).hasSize(1);
		statistics.recordDropped(DropReason.TOO_LARGE);
		List<DropReason> early = new ArrayList<>();
		statistics.forEachDropReason(early::add);
		assertThat(early).containsExactly(DropReason.TOO_LARGE);
		List<DropReason> late = new ArrayList<>();
		statistics.forEachDropReason(late::add);
		statistics.recordDropped(DropReason.TOO_LARGE);
		statistics.recordDropped(DropReason.SHUTDOWN, 3);
		statistics.recordDropped(DropReason.SHUTDOWN, 2);
		handlerWatchers.get(0).accept(DropReason.MALFORMED);
		handlerWatchers.get(0).accept(DropReason.MALFORMED);
		assertThat(early).containsExactly(DropReason.TOO_LARGE, DropReason.SHUTDOWN, DropReason.MALFORMED);
		assertThat(late).containsExactly(DropReason.TOO_LARGE, DropReason.SHUTDOWN, DropReason.MALFORMED);
	}

	@Test
	void noLinesDroppedForAReasonIsNoDropForIt() {
		// say a pipe replaced while nothing was queued for it
		ChannelStatistics statistics = new ChannelStatistics(new HandlerStatistics() {
		});
		List<DropReason> seen = new ArrayList<>();
		statistics.forEachDropReason(seen::add);
		statistics.recordDropped(DropReason.PIPE_REPLACED, 0);
		statistics.recordDropped(DropReason.ABANDONED, 0);
		assertThat(seen).isEmpty();
		assertThat(statistics.getDroppedTotal()).isZero();
		statistics.recordDropped(DropReason.PIPE_REPLACED, 1);
		assertThat(seen).containsExactly(DropReason.PIPE_REPLACED);
	}

	@Test
	void anActionThatThrowsForAFirstDropKeepsNoOtherActionFromBeingTold() {
		ChannelStatistics statistics = new ChannelStatistics(HandlerStatistics.NONE);
		List<DropReason> told = new ArrayList<>();
		statistics.forEachDropReason((reason) -> {
			throw new IllegalStateException("no meter for " + reason.tag());
		});
		statistics.forEachDropReason(told::add);
		assertThatIllegalStateException().isThrownBy(() -> statistics.recordDropped(DropReason.QUEUE_FULL))
			.withMessage("no meter for queue-full");
		assertThat(told).containsExactly(DropReason.QUEUE_FULL);
		assertThat(statistics.getDropped(DropReason.QUEUE_FULL)).isOne();
	}

	@Test
	void handlerWithoutCountersAddsNothing() {
		ChannelStatistics statistics = new ChannelStatistics(HandlerStatistics.NONE);
		statistics.recordDropped(DropReason.INCOMPLETE);
		assertThat(statistics.getDroppedTotal()).isOne();
		assertThat(statistics.getRetries()).isZero();
		assertThat(statistics.getLastError()).isNull();
	}

	private record FixedHandlerStatistics(
			ChannelStatistics.@Nullable LastError lastError) implements HandlerStatistics {

		@Override
		public long getDropped(DropReason reason) {
			return switch (reason) {
				case HANDLER_ERROR -> 3;
				case MALFORMED -> 5;
				default -> 0;
			};
		}

		@Override
		public long getRetries() {
			return 7;
		}

		@Override
		public long getDeadLettered() {
			return 8;
		}

		@Override
		public long getDeadLetterFailures() {
			return 9;
		}

		@Override
		public ChannelStatistics.@Nullable LastError getLastError() {
			return this.lastError;
		}

	}

}
