package io.pipeio.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * More than one event loop ({@link PipeServerSettings#getEventLoops()}): channels are
 * spread over the loops, each channel staying on one, the loops grow with the largest
 * number a channel asks for, and the last stop ends every loop and worker thread. The
 * handlers run on the loop ({@link DispatchMode#LOOP}), so the thread that runs them
 * tells which loop a channel is on.
 */
class PipeServerEventLoopGroupTests extends PipeServerTestSupport {

	private static final String LOOP = "pipe-io-event-loop";

	/** The threads that ran each channel's handler. */
	private final Map<String, Set<String>> handlerThreads = new ConcurrentHashMap<>();

	@Test
	void twoLoopsServeTheChannelsOnTwoThreadsAndEndWithTheLastStop() {
		List<PipeServer> servers = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			servers.add(startEcho("ch" + i, 2));
		}
		assertThat(EventLoopGroup.size()).isEqualTo(2);
		for (int round = 0; round < 3; round++) {
			for (int i = 0; i < 6; i++) {
				assertThat(request("ch" + i, "line " + round)).isEqualTo("ch" + i + ": line " + round);
			}
		}
		// each channel stays on one loop; the loops share them evenly
		assertThat(this.handlerThreads).hasSize(6).allSatisfy((channel, threads) -> assertThat(threads).hasSize(1));
		assertThat(channelsPerThread()).containsOnlyKeys(LOOP + "-1", LOOP + "-2").containsValues(3L, 3L);
		assertThat(TestPipes.engineThreads()).contains(LOOP + "-1", LOOP + "-2").doesNotContain(LOOP);
		for (PipeServer server : servers) {
			server.stop(TestPipes.STOP_TIMEOUT);
		}
		assertThat(TestPipes.engineThreads()).isEmpty();
		assertThat(EventLoopGroup.size()).isZero();
	}

	@Test
	void oneLoopKeepsTheThreadName() {
		startEcho("ch0", 1);
		startEcho("ch1", 1);
		assertThat(request("ch0", "a")).isEqualTo("ch0: a");
		assertThat(request("ch1", "b")).isEqualTo("ch1: b");
		assertThat(channelsPerThread()).containsExactly(Map.entry(LOOP, 2L));
	}

	@Test
	void aChannelAskingForMoreLoopsAddsThemAndTheGroupNeverShrinksWhileUsed() {
		PipeServer first = startEcho("ch0", 1);
		assertThat(TestPipes.engineThreads()).contains(LOOP);
		startEcho("ch1", 3);
		assertThat(EventLoopGroup.size()).isEqualTo(3);
		// the first loop is renamed once there are more
		assertThat(TestPipes.engineThreads()).contains(LOOP + "-1", LOOP + "-2", LOOP + "-3").doesNotContain(LOOP);
		// fewer asked for: every loop is used still
		startEcho("ch2", 1);
		for (int i = 0; i < 3; i++) {
			assertThat(request("ch" + i, "x")).isEqualTo("ch" + i + ": x");
		}
		assertThat(channelsPerThread()).containsOnlyKeys(LOOP + "-1", LOOP + "-2", LOOP + "-3");
		first.stop(TestPipes.STOP_TIMEOUT);
		assertThat(EventLoopGroup.size()).isEqualTo(3);
		// the emptied loop takes the next channel
		startEcho("ch3", 1);
		assertThat(request("ch3", "y")).isEqualTo("ch3: y");
		assertThat(this.handlerThreads.get("ch3")).containsExactly(LOOP + "-1");
	}

	@Test
	void theNumberOfLoopsIsAtLeastOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.pipes.settings().eventLoops(0))
			.withMessageContaining("eventLoops must be at least 1, got 0");
		assertThat(this.pipes.settings().build().getEventLoops()).isEqualTo(1);
	}

	private PipeServer startEcho(String channel, int loops) {
		PipeServer server = this.pipes.server(PipeServerSettings
			.builder(channel, this.dir.resolve(channel + ".in"), this.dir.resolve(channel + ".out"))
			.engine(PipeEngine.EVENT_LOOP)
			.dispatch(DispatchMode.LOOP)
			.eventLoops(loops)
			.build(), TestPipes.replying((buffer, offset, length, replies) -> {
				this.handlerThreads.computeIfAbsent(channel, (name) -> ConcurrentHashMap.newKeySet())
					.add(Thread.currentThread().getName());
				String line = new String(buffer, offset, length, StandardCharsets.UTF_8);
				replies.send((channel + ": " + line).getBytes(StandardCharsets.UTF_8));
			}));
		try {
			server.start();
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
		return server;
	}

	private String request(String channel, String line) {
		try (PipeTestClient client = PipeTestClient.connect(this.dir.resolve(channel + ".in"),
				this.dir.resolve(channel + ".out"), Duration.ofSeconds(10))) {
			return client.request(line);
		}
	}

	private Map<String, Long> channelsPerThread() {
		Map<String, Long> counts = new ConcurrentHashMap<>();
		this.handlerThreads.values()
			.forEach((threads) -> threads.forEach((thread) -> counts.merge(thread, 1L, Long::sum)));
		return counts;
	}

}
