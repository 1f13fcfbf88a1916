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

	private static void measureWindow(LoopDispatch dispatch, long nanos, int bytes) {
		for (int i = 0; i < LoopDispatch.WINDOW; i++) {
			assertThat(dispatch.isMeasuring()).isTrue();
			dispatch.handledOnWorker(nanos, bytes);
		}
	}

}
