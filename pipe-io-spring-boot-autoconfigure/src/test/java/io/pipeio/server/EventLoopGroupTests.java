package io.pipeio.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The group alone, without pipes: loops are placed evenly, and channels that start and
 * stop at once, asking for different numbers of loops, leave no loop behind.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventLoopGroupTests {

	@Test
	void channelsArePlacedOnTheLoopWithTheFewest() throws Exception {
		assumeTrue(Epoll.unavailable() == null, "epoll is available");
		List<EventLoop> taken = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			taken.add(EventLoopGroup.acquire(3, null));
		}
		assertThat(taken.stream().map((loop) -> loop.thread().getName())).containsExactly("pipe-io-event-loop-1",
				"pipe-io-event-loop-2", "pipe-io-event-loop-3", "pipe-io-event-loop-1", "pipe-io-event-loop-2");
		taken.get(2).release(null, 1000);
		EventLoop next = EventLoopGroup.acquire(1, null);
		assertThat(next).isSameAs(taken.get(2));
		taken.set(2, next);
		for (EventLoop loop : taken) {
			loop.release(null, 1000);
		}
		assertThat(EventLoopGroup.size()).isZero();
		assertThat(TestPipes.engineThreads()).isEmpty();
	}

	@Test
	void channelsStartingAndStoppingAtOnceLeaveNoLoopBehind() throws Exception {
		assumeTrue(Epoll.unavailable() == null, "epoll is available");
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> runs = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				runs.add(threads.submit(() -> {
					for (int i = 0; i < 100; i++) {
						EventLoop loop = EventLoopGroup.acquire(ThreadLocalRandom.current().nextInt(1, 4), null);
						assertThat(loop.failed()).isFalse();
						loop.release(null, 1000);
					}
					return null;
				}));
			}
			for (Future<?> run : runs) {
				run.get();
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(EventLoopGroup.size()).isZero();
		assertThat(TestPipes.engineThreads()).isEmpty();
	}

}
