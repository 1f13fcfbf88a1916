package io.pipeio.server;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.OpenDescriptors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reader a stop abandoned to a handler that ignores interruption, once that handler
 * returns: it lets go of its pipe, and after a restart it leaves the pipe to the new
 * reader rather than drain it beside it.
 */
class PipeServerAbandonedReaderTests extends PipeServerTestSupport {

	private final CountDownLatch release = new CountDownLatch(1);

	private final CountDownLatch entered = new CountDownLatch(1);

	private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

	@AfterEach
	void releaseTheStubbornCall() {
		// Also when a test failed: a thread held for good would fail every later test.
		this.release.countDown();
	}

	private PipeServer stubborn(PipeServerSettings settings) {
		return this.pipes.server(settings, (buffer, offset, length) -> {
			String line = new String(buffer, offset, length, StandardCharsets.UTF_8);
			this.lines.add(line);
			if (line.equals("stubborn")) {
				this.entered.countDown();
				while (this.release.getCount() > 0) {
					try {
						this.release.await();
					}
					catch (InterruptedException ex) {
						// Deliberately ignored: the worst kind of handler.
					}
				}
			}
		});
	}

	private void abandonTheStubbornCall(PipeServer server) throws Exception {
		// Started paused, the reader's first read takes the line, not the end of a pipe
		// no client opened yet: the reader is stopped before it saw any end.
		server.pause();
		server.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("stubborn");
			server.resume();
			assertThat(this.entered.await(5, TimeUnit.SECONDS)).isTrue();
		}
		server.stop(TestPipes.STOP_TIMEOUT);
	}

	@ParameterizedTest
	@EnumSource(DispatchMode.class)
	void aReaderAbandonedAtTheLastStopLetsGoOfItsPipeOnceTheCallReturns(DispatchMode mode) throws Exception {
		PipeServer server = stubborn(this.pipes.settings().dispatch(mode).build());
		abandonTheStubbornCall(server);
		// The managed pipe is removed; the abandoned reader still holds it.
		assertThat(OpenDescriptors.onDeleted(this.pipes.in())).isEqualTo(1);
		this.release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> OpenDescriptors.onDeleted(this.pipes.in()) == 0);
	}

	@ParameterizedTest
	@EnumSource(DispatchMode.class)
	void afterARestartTheAbandonedReaderLeavesThePipeToTheNewOne(DispatchMode mode) throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		TestPipes.mkfifo(this.pipes.out());
		PipeServer server = stubborn(this.pipes.settings().managePipes(false).dispatch(mode).bufferSize(64).build());
		abandonTheStubbornCall(server);
		server.start();
		List<String> sent = new ArrayList<>();
		for (int n = 0; n < 2000; n++) {
			sent.add("line-" + n + "-abcdefghijklmnopqrstuvwxyz");
		}
		// Lines in two writes each, now and then, while the abandoned call returns.
		try (OutputStream out = new FileOutputStream(this.pipes.in().toFile())) {
			for (int n = 0; n < sent.size(); n++) {
				byte[] bytes = (sent.get(n) + "\n").getBytes(StandardCharsets.UTF_8);
				int split = (n % 3 == 0) ? 7 : bytes.length;
				out.write(bytes, 0, split);
				out.flush();
				out.write(bytes, split, bytes.length - split);
				if (n == 200) {
					this.release.countDown();
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> this.lines.size() >= sent.size() + 1);
		assertThat(this.lines.subList(1, this.lines.size())).containsExactlyElementsOf(sent);
		assertThat(server.getStatistics().getDroppedTotal()).isZero();
	}

}
