package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link InPipeDescriptor} is armed, with a real event loop and a real FIFO: on the
 * loop, a read that empties the pipe leaves it armed for the next write, without a call
 * to {@code epoll_ctl}. Every test arms the descriptor before a client writes, so each
 * write is reported once, and each read waits for the report of what it reads.
 */
class InPipeDescriptorTests {

	@TempDir
	Path dir;

	/** What the loop reported of the descriptor, in order. */
	private final BlockingQueue<Integer> reports = new LinkedBlockingQueue<>();

	private final NativeBuffer buffer = new NativeBuffer(64);

	private EventLoop loop;

	private InPipeDescriptor in;

	private int client;

	@BeforeEach
	void register() throws Exception {
		Path path = this.dir.resolve("test.in");
		TestPipes.mkfifo(path);
		this.loop = EventLoopGroup.acquire(1, null);
		this.in = new InPipeDescriptor(FifoDescriptor.open(path), this.loop,
				(registration, events) -> this.reports.add(events));
		this.in.register();
		this.client = Posix.open(path.toString(), Posix.O_WRONLY | Posix.O_NONBLOCK);
	}

	@AfterEach
	void release() {
		Posix.close(this.client);
		this.in.release();
		this.loop.release(null, TestPipes.STOP_TIMEOUT.toMillis());
	}

	@Test
	void onTheLoopAPipeReadEmptyIsReportedAgainWhenMoreComesWithoutBeingArmed() throws Exception {
		this.in.arm(true);
		send("first\n");
		assertThat(read()).isEqualTo("first\n");
		for (String line : new String[] { "second\n", "third\n" }) {
			this.in.armWhenEmpty(true); // left armed: the pipe was read empty
			send(line);
			assertThat(read()).isEqualTo(line);
		}
	}

	@Test
	void armedAgainWithBytesLeftThePipeIsReportedAtOnce() throws Exception {
		this.in.arm(true);
		send("first\n");
		assertThat(read(3)).isEqualTo("fir");
		// Edge-triggered, nothing more comes: only arming it again reports what is left.
		this.in.arm(true);
		assertThat(read()).isEqualTo("st\n");
	}

	@Test
	void armedForWorkersAPipeReadEmptyIsArmedAgain() throws Exception {
		this.in.arm(false);
		send("first\n");
		assertThat(read()).isEqualTo("first\n");
		this.in.armWhenEmpty(false); // one-shot: disarmed by the report
		send("second\n");
		assertThat(read()).isEqualTo("second\n");
	}

	@Test
	void aDescriptorRegisteredAgainIsArmedOnTheLoopOnceItIsReadEmpty() throws Exception {
		this.in.arm(true);
		send("first\n");
		assertThat(read()).isEqualTo("first\n");
		this.in.renew(); // registered one-shot, after the renewal had the first report
		send("second\n");
		assertThat(read()).isEqualTo("second\n");
		this.in.armWhenEmpty(true);
		send("third\n");
		assertThat(read()).isEqualTo("third\n");
	}

	@Test
	void disarmedOnTheLoopAPipeIsNotReportedUntilArmedAgain() throws Exception {
		this.in.arm(true);
		send("first\n");
		assertThat(read()).isEqualTo("first\n");
		this.in.disarm(); // paused
		send("second\n");
		awaitLoopPassedThisPoint();
		assertThat(this.reports).isEmpty();
		this.in.arm(true);
		assertThat(read()).isEqualTo("second\n");
	}

	/**
	 * Wait until the loop reported a descriptor of the test's own that became ready only
	 * now: it reports what became ready before it first, or with it.
	 */
	private void awaitLoopPassedThisPoint() throws Exception {
		CountDownLatch reported = new CountDownLatch(1);
		int marker = PosixPoll.eventfd();
		long token = this.loop.newToken((events) -> reported.countDown());
		try {
			this.loop.add(marker, Epoll.EPOLLIN, token);
			PosixPoll.signal(marker);
			assertThat(reported.await(10, TimeUnit.SECONDS)).as("marker reported by the loop").isTrue();
		}
		finally {
			this.loop.remove(marker);
			this.loop.removeToken(token);
			Posix.close(marker);
		}
	}

	private void send(String text) throws Exception {
		assertThat(TestPipes.writeNow(this.client, text)).isEqualTo(text.length());
	}

	/** Wait for the loop's report, then read what the pipe holds. */
	private String read() throws Exception {
		return read(this.buffer.bytes.length);
	}

	private String read(int length) throws Exception {
		assertThat(this.reports.poll(10, TimeUnit.SECONDS)).as("reported by the loop").isNotNull();
		int read = this.in.read(this.buffer, length, () -> 0);
		assertThat(read).isPositive();
		return new String(this.buffer.bytes, 0, read, StandardCharsets.US_ASCII);
	}

}
