package io.pipeio.server;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients using the in pipe in every pattern: many writer processes at once, short-lived
 * clients one after another, a client that was waiting before the server started, and
 * pausing. None of it may cost a line, cause EOF handling or make the reader spin.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipeServerClientsTests extends PipeServerTestSupport {

	private final List<Process> processes = new ArrayList<>();

	/**
	 * JUnit runs this before the superclass's {@code closePipes}: the writer processes
	 * are gone before the servers stop.
	 */
	@AfterEach
	void destroyProcesses() {
		TestProcesses.destroy(this.processes);
	}

	@Test
	void eightWriterProcessesAtOnceLoseAndTearNoLine() throws Exception {
		this.pipes.start();
		int writers = 8;
		int count = 5000;
		for (int id = 0; id < writers; id++) {
			this.processes.add(TestProcesses.python(TestProcesses.PYTHON_LINE_WRITER, this.pipes.in().toString(),
					"w" + id, Integer.toString(count)));
		}
		for (Process process : this.processes) {
			TestProcesses.awaitSuccess(process);
		}
		this.pipes.recorder.awaitCount(writers * count, Duration.ofSeconds(30));
		Map<String, Integer> next = new HashMap<>();
		for (String line : this.pipes.recorder.strings()) {
			String[] parts = line.split(":", -1);
			assertThat(parts).as(line).hasSize(3);
			int index = Integer.parseInt(parts[1]);
			// Each writer's lines arrive whole and in its own order.
			assertThat(index).as(line).isEqualTo(next.getOrDefault(parts[0], 0));
			assertThat(parts[2]).as(line).isEqualTo("x".repeat(index % 200));
			next.put(parts[0], index + 1);
		}
		assertThat(next).hasSize(writers).allSatisfy((id, received) -> assertThat(received).isEqualTo(count));
	}

	@Test
	void openWriteCloseCyclesLoseNoLineAndCauseNoBusyLoop() throws Exception {
		PipeServer server = this.pipes.start();
		Thread reader = TestPipes.readerThread();
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			try (PipeTestClient writer = this.pipes.writer()) {
				writer.send("java-" + i);
			}
			expected.add("java-" + i);
		}
		// A shell client opens, writes and closes once per line as well.
		TestProcesses.run("bash", "-c", "for i in $(seq 0 99); do echo \"bash-$i\" > \"$1\"; done", "bash",
				this.pipes.in().toString());
		for (int i = 0; i < 100; i++) {
			expected.add("bash-" + i);
		}
		assertThat(this.pipes.recorder.awaitStrings(expected.size())).isEqualTo(expected);
		assertReaderIdle(reader);
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
		assertThat(server.getLastFailure()).isNull();
	}

	@Test
	void clientClosingItsWriteEndCausesNoEofHandling() throws Exception {
		PipeServer server = this.pipes.start();
		Thread reader = TestPipes.readerThread();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("one");
		}
		this.pipes.recorder.awaitStrings(1);
		assertReaderIdle(reader);
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("two");
		}
		assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("one", "two");
		assertThat(this.pipes.recorder.recreated).isEmpty();
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
		this.pipes.assertReaderSurvived(reader);
	}

	@Test
	void clientWaitingBeforeStartIsServed() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		TestPipes.mkfifo(this.pipes.out());
		// With no server a client's open blocks: it must return once the server starts.
		CompletableFuture<PipeTestClient> attaching = CompletableFuture
			.supplyAsync(() -> PipeTestClient.connect(this.pipes.in(), this.pipes.out()));
		this.pipes.startEcho(this.pipes.settings().managePipes(false).build());
		try (PipeTestClient client = this.pipes.track(attaching.get(10, TimeUnit.SECONDS))) {
			assertThat(client.request("was waiting")).isEqualTo("was waiting");
		}
	}

	@Test
	void pauseLeavesLinesInThePipeAndResumeDeliversThem() throws Exception {
		PipeServer server = this.pipes.start();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("before");
			this.pipes.recorder.awaitStrings(1);
			server.pause();
			assertThat(server.isPaused()).isTrue();
			for (int i = 0; i < 10; i++) {
				writer.send("held-" + i);
			}
			await().during(Duration.ofMillis(400))
				.atMost(Duration.ofSeconds(2))
				.until(() -> this.pipes.recorder.count() == 1);
			// Every byte is still in the pipe, not in a buffer of the server.
			assertThat(PipeContents.unreadBytes(this.pipes.in())).isEqualTo(10 * "held-0\n".length());
			server.resume();
			List<String> received = this.pipes.recorder.awaitStrings(11);
			assertThat(received.subList(1, 11)).containsExactly("held-0", "held-1", "held-2", "held-3", "held-4",
					"held-5", "held-6", "held-7", "held-8", "held-9");
			writer.send("after");
		}
		assertThat(this.pipes.recorder.awaitStrings(12)).last().isEqualTo("after");
	}

	@Test
	void pausedLinesSurviveARestartOfTheServer() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		TestPipes.mkfifo(this.pipes.out());
		PipeServerSettings settings = this.pipes.settings().managePipes(false).build();
		PipeServer server = this.pipes.start(settings);
		server.pause();
		try (PipeTestClient writer = this.pipes.writer()) {
			writer.send("kept-1");
			writer.send("kept-2");
			// The client holds the pipe open, so what the paused server left in it
			// outlives the stop.
			server.stop(TestPipes.STOP_TIMEOUT);
			server.start();
			// paused on purpose: it starts paused, its lines held
			assertThat(server.isPaused()).isTrue();
			assertThat(this.pipes.recorder.count()).isZero();
			server.resume();
			assertThat(this.pipes.recorder.awaitStrings(2)).containsExactly("kept-1", "kept-2");
		}
	}

	/**
	 * The thread that waits for lines must block, not spin: its CPU time stays flat while
	 * nothing arrives.
	 */
	private static void assertReaderIdle(Thread reader) {
		long before = cpuNanos(reader);
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(2))
			.until(() -> reader.isAlive() && cpuNanos(reader) - before < 50_000_000L);
	}

	// Thread.threadId() needs Java 19; the build targets 17
	@SuppressWarnings("deprecation")
	private static long cpuNanos(Thread thread) {
		return ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId());
	}

}
