package io.pipeio.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.Undeclared;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link PipeServerSettings.Builder#workerThreads}: on the event loop engine, the handler
 * runs on threads of the chosen factory, named and made daemon as pipe-io's own, channels
 * with the same factory share them, and none outlives the last stop.
 */
class PipeServerWorkerThreadsTests extends PipeServerTestSupport {

	/** The threads the factory made, in order. */
	private final List<Thread> made = new CopyOnWriteArrayList<>();

	/** A factory of non-daemon threads, to show the engine makes its workers daemon. */
	private final ThreadFactory factory = (task) -> {
		Thread thread = new Thread(task, "made-by-the-factory");
		thread.setDaemon(false);
		this.made.add(thread);
		return thread;
	};

	private final Set<Thread> handlerThreads = ConcurrentHashMap.newKeySet();

	/** The threads that ran the handler for lines starting "other". */
	private final Set<Thread> otherThreads = ConcurrentHashMap.newKeySet();

	@Test
	void theHandlerRunsOnThreadsOfTheChosenFactory() throws Exception {
		PipeServer server = startEcho(this.pipes.settings(), DispatchMode.WORKER);
		roundTrips(this.pipes.client(), "line", 50);
		assertThat(this.handlerThreads).isNotEmpty().allSatisfy((thread) -> {
			assertThat(this.made).contains(thread);
			assertThat(thread.getName()).matches("pipe-io-worker-\\d+");
			assertThat(thread.isDaemon()).isTrue();
		});
		server.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.made.stream().noneMatch(Thread::isAlive));
	}

	@Test
	void channelsWithTheSameFactoryShareItsWorkers() throws Exception {
		PipeServer first = startEcho(this.pipes.settings(), DispatchMode.WORKER);
		PipeServer second = startEcho(
				TestPipes.settings("other", this.dir.resolve("other.in"), this.dir.resolve("other.out")),
				DispatchMode.WORKER);
		try (PipeTestClient one = this.pipes.client();
				PipeTestClient other = PipeTestClient.connect(this.dir.resolve("other.in"),
						this.dir.resolve("other.out"))) {
			for (int i = 0; i < 50; i++) {
				roundTrips(one, "one", 1);
				roundTrips(other, "other", 1);
			}
		}
		assertThat(this.handlerThreads).isNotEmpty().allSatisfy((thread) -> assertThat(this.made).contains(thread));
		// One round trip at a time: a worker idle again by the next takes it, whichever
		// the channel, where a pool per channel would keep the two apart.
		assertThat(this.handlerThreads).containsAnyElementsOf(this.otherThreads);
		first.stop();
		second.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.made.stream().noneMatch(Thread::isAlive));
	}

	@Test
	void aChannelKeepsTheWorkersOfItsFactoryWhenAnotherThatSharedThemStops() throws Exception {
		PipeServer first = startEcho(this.pipes.settings(), DispatchMode.WORKER);
		startEcho(TestPipes.settings("other", this.dir.resolve("other.in"), this.dir.resolve("other.out")),
				DispatchMode.WORKER);
		first.stop();
		assertThat(EventLoopGroup.chosenPools()).isOne();
		try (PipeTestClient other = PipeTestClient.connect(this.dir.resolve("other.in"),
				this.dir.resolve("other.out"))) {
			roundTrips(other, "other", 20);
		}
		assertThat(this.otherThreads).isNotEmpty().allSatisfy((thread) -> assertThat(this.made).contains(thread));
	}

	/**
	 * A customizer that makes a factory for each channel it shapes gives every channel a
	 * pool: each goes with its channel, while another channel keeps the event loop
	 * running.
	 */
	@Test
	void theWorkersOfAFactoryEndWithTheLastChannelThatChoseIt() throws Exception {
		this.pipes
			.server(TestPipes.settings("keeper", this.dir.resolve("keeper.in"), this.dir.resolve("keeper.out"))
				.engine(PipeEngine.EVENT_LOOP)
				.workerThreads(null) // pipe-io's own workers, whatever the test run chose
				.build())
			.start();
		for (int i = 0; i < 10; i++) {
			Path in = this.dir.resolve("c" + i + ".in");
			Path out = this.dir.resolve("c" + i + ".out");
			PipeServer server = startEcho(TestPipes.settings("c" + i, in, out), DispatchMode.WORKER, (task) -> {
				Thread thread = new Thread(task);
				this.made.add(thread);
				return thread;
			});
			try (PipeTestClient client = PipeTestClient.connect(in, out)) {
				roundTrips(client, "line", 5);
			}
			server.stop();
		}
		assertThat(this.made).hasSizeGreaterThanOrEqualTo(10);
		assertThat(EventLoopGroup.chosenPools()).isZero();
		assertThat(EventLoopGroup.size()).isOne();
		// Well before idle workers would end by themselves: the pools were shut down.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.made.stream().noneMatch(Thread::isAlive));
	}

	@Test
	void aHandlerMeasuredFastStillMovesToTheLoopThread() throws Exception {
		startEcho(this.pipes.settings(), DispatchMode.AUTO);
		PipeTestClient client = this.pipes.client();
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			this.handlerThreads.clear();
			roundTrips(client, "line", LoopDispatch.WINDOW);
			return this.handlerThreads.stream().anyMatch((thread) -> thread.getName().equals("pipe-io-event-loop"));
		});
		assertThat(this.made).isNotEmpty();
	}

	@Test
	void aFactoryThatFailsLeavesTheHandlerAPlatformThread() throws Exception {
		PipeServer server = startEcho(this.pipes.settings(), DispatchMode.WORKER, (task) -> {
			throw new IllegalStateException("no threads today");
		});
		roundTrips(this.pipes.client(), "line", 10);
		assertThat(this.handlerThreads).isNotEmpty()
			.allSatisfy((thread) -> assertThat(thread.getName()).matches("pipe-io-worker-\\d+"));
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
	}

	/** As a Kotlin factory may throw: a checked exception it does not declare. */
	@Test
	void aFactoryThatThrowsAnUndeclaredCheckedExceptionLeavesTheHandlerAPlatformThread() throws Exception {
		PipeServer server = startEcho(this.pipes.settings(), DispatchMode.WORKER, (task) -> {
			throw Undeclared.raise(new IOException("no threads today"));
		});
		roundTrips(this.pipes.client(), "line", 10);
		assertThat(this.handlerThreads).isNotEmpty()
			.allSatisfy((thread) -> assertThat(thread.getName()).matches("pipe-io-worker-\\d+"));
		assertThat(server.getState()).isEqualTo(PipeServerState.RUNNING);
	}

	private PipeServer startEcho(PipeServerSettings.Builder settings, DispatchMode mode) throws Exception {
		return startEcho(settings, mode, this.factory);
	}

	private PipeServer startEcho(PipeServerSettings.Builder settings, DispatchMode mode, ThreadFactory threads)
			throws Exception {
		PipeServer server = this.pipes.server(
				settings.engine(PipeEngine.EVENT_LOOP).dispatch(mode).workerThreads(threads).build(),
				TestPipes.replying((buffer, offset, length, replies) -> {
					String line = new String(buffer, offset, length, StandardCharsets.UTF_8);
					(line.startsWith("other") ? this.otherThreads : this.handlerThreads).add(Thread.currentThread());
					replies.send(line.getBytes(StandardCharsets.UTF_8));
				}));
		server.start();
		return server;
	}

	/** One line per chunk: each waits for the reply to the one before. */
	private static void roundTrips(PipeTestClient client, String prefix, int count) {
		for (int i = 0; i < count; i++) {
			assertThat(client.request(prefix + " " + i)).isEqualTo(prefix + " " + i);
		}
	}

}
