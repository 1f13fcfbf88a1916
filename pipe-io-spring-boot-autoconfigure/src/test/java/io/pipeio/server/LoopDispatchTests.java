package io.pipeio.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LoopDispatch} with measured times passed in: when a handler measured on workers
 * moves to the loop.
 */
class LoopDispatchTests {

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
	void loopModeStaysOnTheLoopWhateverSendsItAwayForATurn() {
		LoopDispatch dispatch = new LoopDispatch(DispatchMode.LOOP);
		dispatch.leaveLoop();
		dispatch.leaveLoopForFullQueue();
		assertThat(dispatch.isOnLoop()).isTrue();
		assertThat(dispatch.isMeasuring()).isFalse();
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
