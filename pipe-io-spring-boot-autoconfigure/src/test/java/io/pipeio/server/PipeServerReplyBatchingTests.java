package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replies sent by the handler are handed to the writer in batches, but never held behind
 * a slow handler or a sender waiting for its own line.
 */
class PipeServerReplyBatchingTests extends PipeServerTestSupport {

	@Test
	void replyIsWrittenWhileTheHandlerIsStillBusyWithTheNextLineOfTheChunk() throws Exception {
		CountDownLatch firstReplyRead = new CountDownLatch(1);
		PipeServer server = this.pipes.server(this.pipes.settings().build(),
				TestPipes.replying((buffer, offset, length, replies) -> {
					String line = new String(buffer, offset, length, StandardCharsets.UTF_8);
					if (line.equals("second")) {
						// Blocks until the client has the first reply: a reply held until
						// the end of the chunk would never arrive.
						firstReplyRead.await(10, TimeUnit.SECONDS);
					}
					replies.send(("re:" + line).getBytes(StandardCharsets.UTF_8));
				}));
		server.start();
		PipeTestClient client = this.pipes.client();
		client.sendRaw("first\nsecond\n".getBytes(StandardCharsets.UTF_8));
		assertThat(client.receiveBytes(Duration.ofSeconds(5))).asString().isEqualTo("re:first");
		firstReplyRead.countDown();
		assertThat(client.receive()).isEqualTo("re:second");
	}

	@Test
	void manyFastRepliesArriveWholeAndInOrder() throws Exception {
		this.pipes.startEcho(this.pipes.settings().build());
		PipeTestClient client = this.pipes.client();
		StringBuilder burst = new StringBuilder();
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 20_000; i++) {
			String line = "line-" + i;
			burst.append(line).append('\n');
			expected.add(line);
		}
		client.sendRaw(burst.toString().getBytes(StandardCharsets.UTF_8));
		assertThat(client.receiveLines(expected.size())).containsExactlyElementsOf(expected);
	}

	@Test
	void handlerWaitingForItsOwnAsyncSendIsNotHeldByTheBatch() throws Exception {
		PipeServer server = this.pipes.server(this.pipes.settings().build(),
				TestPipes.replying((buffer, offset, length, replies) -> {
					byte[] reply = ("written:" + new String(buffer, offset, length, StandardCharsets.UTF_8))
						.getBytes(StandardCharsets.UTF_8);
					replies.send("before".getBytes(StandardCharsets.UTF_8));
					// Waits for the write: it must not wait for the end of the chunk it
					// is part of.
					replies.sendAsync(reply).get(5, TimeUnit.SECONDS);
				}));
		server.start();
		PipeTestClient client = this.pipes.client();
		for (int i = 0; i < 100; i++) {
			client.send("x" + i);
		}
		List<String> replies = client.receiveLines(200);
		for (int i = 0; i < 100; i++) {
			assertThat(replies.get(2 * i)).isEqualTo("before");
			assertThat(replies.get(2 * i + 1)).isEqualTo("written:x" + i);
		}
		assertThat(this.pipes.recorder.handlerErrors).isEmpty();
	}

	@Test
	void plainSendOfTheHandlerDoesNotOvertakeItsEarlierReplies() throws Exception {
		AtomicReference<PipeServer> self = new AtomicReference<>();
		PipeServer server = this.pipes.server(this.pipes.settings().build(),
				TestPipes.replying((buffer, offset, length, replies) -> {
					String line = new String(buffer, offset, length, StandardCharsets.UTF_8);
					replies.send(("re:" + line).getBytes(StandardCharsets.UTF_8));
					self.get().send(("plain:" + line).getBytes(StandardCharsets.UTF_8));
				}));
		self.set(server);
		server.start();
		PipeTestClient client = this.pipes.client();
		client.sendRaw("a\nb\nc\n".getBytes(StandardCharsets.UTF_8));
		assertThat(client.receiveLines(6)).containsExactly("re:a", "plain:a", "re:b", "plain:b", "re:c", "plain:c");
	}

}
