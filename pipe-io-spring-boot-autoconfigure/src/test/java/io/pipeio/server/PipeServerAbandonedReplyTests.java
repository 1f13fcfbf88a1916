package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler call that a stop abandoned replies, and returns only once the channel has
 * stopped: its reply can no longer be written, and is counted as dropped at shutdown, not
 * lost without a count nor taken for a full queue.
 */
class PipeServerAbandonedReplyTests extends PipeServerTestSupport {

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void releaseTheHandler() {
		this.release.countDown();
	}

	@Test
	void aReplyOfACallTheStopAbandonedIsCountedAsDroppedAtShutdown() throws Exception {
		CountDownLatch replied = new CountDownLatch(1);
		PipeServer server = this.pipes.server(this.pipes.settings().build(),
				TestPipes.replying((buffer, offset, length, replies) -> {
					replies.send("too late".getBytes(StandardCharsets.UTF_8));
					replied.countDown();
					while (this.release.getCount() > 0) {
						try {
							this.release.await();
						}
						catch (InterruptedException ex) {
							// Ignored, so that the stop has to abandon the call.
						}
					}
				}));
		server.start();
		PipeTestClient client = this.pipes.client();
		client.send("stubborn");
		assertThat(replied.await(5, TimeUnit.SECONDS)).isTrue();
		server.stop(TestPipes.STOP_TIMEOUT);
		assertThat(server.getState()).isEqualTo(PipeServerState.STOPPED);
		this.release.countDown();
		ChannelStatistics statistics = server.getStatistics();
		await().atMost(Duration.ofSeconds(5)).until(() -> statistics.getDropped(DropReason.SHUTDOWN) == 1);
		assertThat(statistics.getDropped(DropReason.QUEUE_FULL)).isZero();
		assertThat(statistics.getSentMessages()).isZero();
	}

}
