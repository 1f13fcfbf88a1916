package io.pipeio.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LoopDispatch} with measured times passed in: when a handler measured on workers
 * moves to the loop, and when one on the loop leaves it.
 */
class LoopDispatchTests {

	/** A chunk's time on the loop well below the bar for slow. */
	private static final long FAST_ON_LOOP = 50_000;

	/** A chunk's time on the loop over the bar for slow, under the one for blocked. */
	private static final long SLOW_ON_LOOP = 3_000_000;

	@Test
	void largeChunksOfFastLinesMoveToTheLoop() {
		LoopDispatch dispatch = new LoopDispatch(DispatchMode.AUTO);
		// 64 KiB of 100-byte lines in 300 µs: under half a microsecond a line
		measureWindow(dispatch, 300_000, 64 * 1024);
		assertThat(dispatch.isOnLoop()).isTrue();
	}

	@Test
	void smallChunksThatTakeLongStayOnWorkers() {
		LoopDispatch dispatch = new LoopDispatch(DispatchMode.AUTO);
		measureWindow(dispatch, 300_000, 4 * 1024);
		assertThat(dispatch.isOnLoop()).isFalse();
	}

	@Test
	void noChunkOverHalfTheLoopsSlowBarCountsFastHoweverLarge() {
		assertThat(LoopDispatch.isFast(90_000, 100)).isTrue();
		assertThat(LoopDispatch.isFast(110_000, 100)).isFalse();
		assertThat(LoopDispatch.isFast(450_000, 1024 * 1024)).isTrue();
		assertThat(LoopDispatch.isFast(600_000, 1024 * 1024)).isFalse();
	}

	@Test
	void workerModeNeverMeasures() {
		LoopDispatch dispatch = new LoopDispatch(DispatchMode.WORKER);
		assertThat(dispatch.isMeasuring()).isFalse();
		assertThat(dispatch.isOnLoop()).isFalse();
	}

	@Test
	void aFastHandlerSentBackForSlowChunksIsMeasuredAgainOnlyAfterAPauseThatDoubles() {
		LoopDispatch dispatch = new LoopDispatch(DispatchMode.AUTO);
		assertThat(pauseAfterASlowSpellOnTheLoop(dispatch)).isEqualTo(2 * LoopDispatch.WINDOW);
		assertThat(pauseAfterASlowSpellOnTheLoop(dispatch)).isEqualTo(4 * LoopDispatch.WINDOW);
	}

	@Test
	void aHandlerThatHoldsOnTheLoopAsLongAsItsLastPauseHasThePauseHalved() {
		LoopDispatch dispatch = new LoopDispatch(DispatchMode.AUTO);
		pauseAfterASlowSpellOnTheLoop(dispatch);
		assertThat(pauseAfterASlowSpellOnTheLoop(dispatch)).isEqualTo(4 * LoopDispatch.WINDOW);
		// a chunk short of its last pause: the pause doubles from where it was
		assertThat(pauseAfterHolding(dispatch, 4 * LoopDispatch.WINDOW - 1)).isEqualTo(8 * LoopDispatch.WINDOW);
		// as long as its last pause: halved, then doubled when it leaves
		assertThat(pauseAfterHolding(dispatch, 8 * LoopDispatch.WINDOW)).isEqualTo(8 * LoopDispatch.WINDOW);
		// as long as that and then the next shorter one: halved twice
		assertThat(pauseAfterHolding(dispatch, 12 * LoopDispatch.WINDOW)).isEqualTo(4 * LoopDispatch.WINDOW);
	}

	@Test
	void aHandlerBlockedByARarePauseComesBackAfterTheShortestPauseEachTime() {
		// A long garbage collection now and then: not the handler's doing.
		LoopDispatch dispatch = new LoopDispatch(DispatchMode.AUTO);
		assertThat(pauseAfterHolding(dispatch, 0)).isEqualTo(2 * LoopDispatch.WINDOW);
		for (int pause = 0; pause < 10; pause++) {
			assertThat(pauseAfterHolding(dispatch, 100 * LoopDispatch.WINDOW)).isEqualTo(2 * LoopDispatch.WINDOW);
		}
	}

	@Test
	void aHandlerThatBlocksOftenerThanItsPauseLastsHasThePauseDoubleEachTime() {
		LoopDispatch dispatch = new LoopDispatch(DispatchMode.AUTO);
		for (int doublings = 1; doublings <= 8; doublings++) {
			assertThat(pauseAfterHolding(dispatch, 300)).isEqualTo(LoopDispatch.WINDOW << doublings);
		}
	}

	@Test
	void aFastHandlerWhoseClientFellBehindIsMeasuredAgainAtOnceAndComesBack() {
		LoopDispatch dispatch = new LoopDispatch(DispatchMode.AUTO);
		assertThat(pauseAfterASlowSpellOnTheLoop(dispatch)).isEqualTo(2 * LoopDispatch.WINDOW);
		for (int round = 0; round < 5; round++) {
			measureWindow(dispatch, 10_000, 16 * 1024);
			assertThat(dispatch.isOnLoop()).isTrue();
			dispatch.leaveLoopForFullQueue();
			assertThat(dispatch.isOnLoop()).isFalse();
			assertThat(chunksBeforeMeasuring(dispatch)).isZero();
		}
		// while its replies wait for room, its chunks are slow, and it stays on workers
		measureWindow(dispatch, 5_000_000, 16 * 1024);
		assertThat(dispatch.isOnLoop()).isFalse();
		// the pause after the next slow spell goes on doubling from where it was
		assertThat(pauseAfterASlowSpellOnTheLoop(dispatch)).isEqualTo(4 * LoopDispatch.WINDOW);
	}

	@Test
	void aHandlerSlowOnTheLoopEveryTimeLeavesAfterThreeChunks() {
		LoopDispatch dispatch = onTheLoop();
		assertThat(dispatch.handledOnLoop(FAST_ON_LOOP)).isFalse();
		assertThat(dispatch.handledOnLoop(SLOW_ON_LOOP)).isFalse();
		assertThat(dispatch.handledOnLoop(SLOW_ON_LOOP)).isFalse();
		assertThat(dispatch.handledOnLoop(SLOW_ON_LOOP)).isTrue();
	}

	@Test
	void aChunkThatBlockedTheLoopSendsTheHandlerAwayAtOnce() {
		LoopDispatch dispatch = onTheLoop();
		assertThat(dispatch.handledOnLoop(25_000_000)).isTrue();
	}

	@Test
	void aFewSlowChunksInEachWindowKeepAFastHandlerOnTheLoop() {
		// A busy machine preempts the loop thread for a few milliseconds now and then:
		// here two chunks in a row and then some, in every window.
		LoopDispatch dispatch = onTheLoop();
		for (int chunk = 0; chunk < 20 * LoopDispatch.WINDOW; chunk++) {
			int inWindow = chunk % LoopDispatch.WINDOW;
			boolean slow = inWindow == 10 || inWindow == 11 || inWindow % 20 == 5;
			assertThat(dispatch.handledOnLoop(slow ? SLOW_ON_LOOP : FAST_ON_LOOP)).as("chunk %d", chunk).isFalse();
		}
	}

	@Test
	void aHandlerSlowInOneChunkOfFourLeavesWithinAWindow() {
		LoopDispatch dispatch = onTheLoop();
		int chunks = 0;
		boolean left = false;
		while (!left && chunks < LoopDispatch.WINDOW) {
			left = dispatch.handledOnLoop((chunks++ % 4 == 3) ? SLOW_ON_LOOP : FAST_ON_LOOP);
		}
		assertThat(left).isTrue();
		assertThat(chunks).isEqualTo(LoopDispatch.WINDOW / 2);
	}

	@Test
	void slowChunksOfAnEarlierSpellOnTheLoopCountNoMore() {
		LoopDispatch dispatch = onTheLoop();
		dispatch.handledOnLoop(SLOW_ON_LOOP);
		dispatch.handledOnLoop(SLOW_ON_LOOP);
		dispatch.leaveLoopForFullQueue();
		measureWindow(dispatch, 10_000, 16 * 1024);
		assertThat(dispatch.isOnLoop()).isTrue();
		assertThat(dispatch.handledOnLoop(SLOW_ON_LOOP)).isFalse();
		assertThat(dispatch.handledOnLoop(SLOW_ON_LOOP)).isFalse();
	}

	@Test
	void loopModeStaysOnTheLoopWhateverSendsItAwayForATurn() {
		LoopDispatch dispatch = new LoopDispatch(DispatchMode.LOOP);
		dispatch.leaveLoop();
		dispatch.leaveLoopForFullQueue();
		assertThat(dispatch.isOnLoop()).isTrue();
		assertThat(dispatch.isMeasuring()).isFalse();
	}

	/** A handler measured fast on workers, now on the loop. */
	private static LoopDispatch onTheLoop() {
		LoopDispatch dispatch = new LoopDispatch(DispatchMode.AUTO);
		measureWindow(dispatch, 10_000, 16 * 1024);
		assertThat(dispatch.isOnLoop()).isTrue();
		return dispatch;
	}

	/**
	 * A window of fast chunks takes the channel to the loop, where some turn out slow.
	 * @return the chunks it then handles on workers before it is measured again
	 */
	private static int pauseAfterASlowSpellOnTheLoop(LoopDispatch dispatch) {
		measureWindow(dispatch, 10_000, 16 * 1024);
		assertThat(dispatch.isOnLoop()).isTrue();
		dispatch.leaveLoop();
		return chunksBeforeMeasuring(dispatch);
	}

	/**
	 * A window of fast chunks takes the channel to the loop, where it handles fast chunks
	 * and then one that blocks.
	 * @param chunks the fast chunks on the loop
	 * @return the chunks it then handles on workers before it is measured again
	 */
	private static int pauseAfterHolding(LoopDispatch dispatch, int chunks) {
		measureWindow(dispatch, 10_000, 16 * 1024);
		assertThat(dispatch.isOnLoop()).isTrue();
		for (int chunk = 0; chunk < chunks; chunk++) {
			assertThat(dispatch.handledOnLoop(FAST_ON_LOOP)).isFalse();
		}
		assertThat(dispatch.handledOnLoop(25_000_000)).isTrue();
		dispatch.leaveLoop();
		return chunksBeforeMeasuring(dispatch);
	}

	/** Chunks handled on workers, unmeasured, until the dispatch measures again. */
	private static int chunksBeforeMeasuring(LoopDispatch dispatch) {
		int chunks = 0;
		while (!dispatch.isMeasuring()) {
			chunks++;
		}
		return chunks;
	}

	private static void measureWindow(LoopDispatch dispatch, long nanos, int bytes) {
		for (int i = 0; i < LoopDispatch.WINDOW; i++) {
			assertThat(dispatch.isMeasuring()).isTrue();
			dispatch.handledOnWorker(nanos, bytes);
		}
	}

}
