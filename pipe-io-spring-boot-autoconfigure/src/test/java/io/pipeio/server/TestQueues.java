package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of a channel's send queue and of a chunk's replies share: the settings
 * of a queue, and reading what it holds as text.
 *
 * @author pipe-io
 */
final class TestQueues {

	private TestQueues() {
	}

	/**
	 * Settings of a queue of a channel whose pipes are never opened.
	 * @param policy what a full queue does
	 * @param capacity how many lines it holds
	 * @param maxBytes how many bytes it holds
	 * @return the settings, to build
	 */
	static PipeServerSettings.Builder settings(OverflowPolicy policy, int capacity, long maxBytes) {
		return TestPipes.settings("queue", Path.of("/nonexistent/queue.in"), Path.of("/nonexistent/queue.out"))
			.overflow(policy)
			.sendQueueCapacity(capacity)
			.sendQueueMaxBytes(maxBytes);
	}

	static byte[] line(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * @param entries entries taken from a queue, or handed to a rejection callback
	 * @return their lines as text
	 */
	static List<String> texts(List<Object> entries) {
		synchronized (entries) {
			return entries.stream()
				.map((entry) -> new String(QueuedLines.lineOf(entry), StandardCharsets.UTF_8))
				.toList();
		}
	}

	/**
	 * Take every entry of a queue that has some.
	 * @param queue the queue
	 * @return its entries
	 */
	static List<Object> takeAll(SendQueue queue) throws InterruptedException {
		List<Object> taken = new ArrayList<>();
		assertThat(queue.takeAll(taken)).isTrue();
		return taken;
	}

}
