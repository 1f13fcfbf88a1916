package io.pipeio.server;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Stream;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.OpenDescriptors;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Per-test fixture: a channel named {@code test} whose pipes live in a temporary
 * directory, the servers and clients a test creates (all stopped and closed afterwards),
 * and small file and thread utilities. Closing it also checks that no engine thread
 * outlived the test, so one test's leak cannot make a later thread check fail.
 */
final class TestPipes implements AutoCloseable {

	/** Stop timeout used by tests. */
	static final Duration STOP_TIMEOUT = Duration.ofMillis(1500);

	/**
	 * Upper bound for "stop returns promptly": the stop timeout, which a stop held up by
	 * a handler uses up whole, and a second for scheduling on a busy machine. A stop that
	 * hangs takes far longer.
	 */
	static final Duration STOP_BOUND = STOP_TIMEOUT.plusSeconds(1);

	/**
	 * The system property that says which engine the tests run on. Not
	 * {@code pipeio.test.engine}: relaxed binding reads {@code pipeio.*} as
	 * {@code pipe-io.*}, so that name would fail the start of every application context
	 * of the test JVM as an unknown pipe-io key.
	 */
	static final String ENGINE_PROPERTY = "pipeio-test.engine";

	/**
	 * The engine every test server runs on: {@value #ENGINE_PROPERTY} ({@code threads} or
	 * {@code event-loop}; the build runs the engine tests once with each),
	 * {@code threads} if unset.
	 */
	static final PipeEngine ENGINE = engine(System.getProperty(ENGINE_PROPERTY, PipeEngine.THREADS.value()));

	/**
	 * The system property that says where the event loop engine runs the handlers of test
	 * servers that do not choose: {@code auto} (the default), {@code loop} or
	 * {@code worker}. The build runs the engine tests on the event loop a second time
	 * with {@code loop}: with {@code auto}, few tests run long enough for a handler to be
	 * moved to the loop thread.
	 */
	static final String DISPATCH_PROPERTY = "pipeio-test.dispatch";

	/** Where the event loop runs handlers of test servers that do not choose. */
	static final DispatchMode DISPATCH = dispatch(System.getProperty(DISPATCH_PROPERTY, DispatchMode.AUTO.value()));

	/**
	 * The system property that makes the handlers' workers on the event loop virtual
	 * threads ({@code true}; Java 21 and later), so the build can run the engine tests
	 * with them as well.
	 */
	static final String VIRTUAL_WORKERS_PROPERTY = "pipeio-test.virtual-workers";

	/**
	 * The virtual workers made for the tests, which {@link Thread#getAllStackTraces()}
	 * does not list: {@link #engineThreads()} adds the live ones.
	 */
	private static final Set<Thread> virtualWorkers = ConcurrentHashMap.newKeySet();

	/**
	 * The factory every test channel's handler workers come from: virtual threads if
	 * {@value #VIRTUAL_WORKERS_PROPERTY} says so, else {@code null}, the engine's own.
	 */
	static final @Nullable ThreadFactory WORKER_THREADS = Boolean.getBoolean(VIRTUAL_WORKERS_PROPERTY)
			? recording(virtualThreadFactory()) : null;

	final Path dir;

	final Recorder recorder = new Recorder();

	private final List<PipeServer> servers = new ArrayList<>();

	private final List<AutoCloseable> clients = new ArrayList<>();

	TestPipes(Path dir) {
		this.dir = dir;
	}

	Path in() {
		return this.dir.resolve("test.in");
	}

	Path out() {
		return this.dir.resolve("test.out");
	}

	/**
	 * @return settings of the test channel, managed pipes, every other setting at its
	 * default
	 */
	PipeServerSettings.Builder settings() {
		return settings("test", in(), out());
	}

	/**
	 * Settings of a channel on the tested {@link #ENGINE}; every test server is built
	 * from these, so each engine runs every test.
	 * @return the settings, every other setting at its default
	 */
	static PipeServerSettings.Builder settings(String channel, Path in, Path out) {
		return PipeServerSettings.builder(channel, in, out)
			.engine(ENGINE)
			.dispatch(DISPATCH)
			.workerThreads(WORKER_THREADS);
	}

	/** {@code Thread.ofVirtual().factory()}, which Java 17 does not have. */
	private static ThreadFactory virtualThreadFactory() {
		try {
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(VIRTUAL_WORKERS_PROPERTY + " needs Java 21 or later", ex);
		}
	}

	private static ThreadFactory recording(ThreadFactory factory) {
		return (task) -> {
			Thread thread = factory.newThread(task);
			virtualWorkers.add(thread);
			return thread;
		};
	}

	/**
	 * @return the live virtual workers, which {@link Thread#getAllStackTraces()} leaves
	 * out
	 */
	static List<Thread> liveVirtualWorkers() {
		virtualWorkers.removeIf((thread) -> !thread.isAlive());
		return List.copyOf(virtualWorkers);
	}

	/** A server whose handler records lines into {@link #recorder}; not started. */
	PipeServer server(PipeServerSettings settings) {
		return server(settings, this.recorder);
	}

	/** A server with a custom handler and {@link #recorder} as listener; not started. */
	PipeServer server(PipeServerSettings settings, LineHandler handler) {
		return server(settings, handler, this.recorder);
	}

	/** A server with a custom handler and listener; not started. */
	PipeServer server(PipeServerSettings settings, LineHandler handler, PipeServerListener listener) {
		PipeServer server = new PipeServer(settings, handler, listener);
		this.servers.add(server);
		return server;
	}

	/** Start a recording server with default settings. */
	PipeServer start() throws IOException {
		return start(settings().build());
	}

	PipeServer start(PipeServerSettings settings) throws IOException {
		PipeServer server = server(settings);
		server.start();
		return server;
	}

	/** Start a server that records each line and replies with it. */
	PipeServer startEcho(PipeServerSettings settings) throws IOException {
		PipeServer server = server(settings, replying((buffer, offset, length, replies) -> {
			this.recorder.onLine(buffer, offset, length);
			replies.send(Arrays.copyOfRange(buffer, offset, offset + length));
		}));
		server.start();
		return server;
	}

	/**
	 * A handler that replies through the sink it is given with each line.
	 * @param handler the handler, as a lambda
	 * @return the handler
	 */
	static LineHandler replying(ReplyingHandler handler) {
		return new LineHandler() {

			@Override
			public void onLine(byte[] buffer, int offset, int length) {
				throw new IllegalStateException("The engine gives a handler a reply sink");
			}

			@Override
			public void onLine(byte[] buffer, int offset, int length, ReplySink replies) throws Exception {
				handler.onLine(buffer, offset, length, replies);
			}

			@Override
			public void onOwnedLine(byte[] line, ReplySink replies) throws Exception {
				handler.onLine(line, 0, line.length, replies);
			}

		};
	}

	/** A client attached to both pipes of the test channel, closed with the fixture. */
	PipeTestClient client() {
		return track(PipeTestClient.connect(in(), out()));
	}

	/**
	 * A client that only writes to the test channel's in pipe, closed with the fixture.
	 */
	PipeTestClient writer() {
		return track(PipeTestClient.sender(in()));
	}

	/** A client that only reads the test channel's out pipe, closed with the fixture. */
	PipeTestClient reader() {
		return track(PipeTestClient.receiver(out()));
	}

	<T extends AutoCloseable> T track(T client) {
		this.clients.add(client);
		return client;
	}

	/**
	 * Close clients, stop servers and check no engine thread is left. Bounded, as a
	 * class-level {@code @Timeout} does not cover {@code @AfterEach}: a stop that hangs
	 * fails here.
	 */
	@Override
	public void close() {
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			for (AutoCloseable client : this.clients) {
				client.close();
			}
			for (PipeServer server : this.servers) {
				server.stop(STOP_TIMEOUT);
			}
		}, "cleanup: closing clients and stopping servers");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(engineThreads()).isEmpty());
	}

	/**
	 * Return a started server's send queue, for a test that injects a fault into the
	 * writer: nothing a user does runs there, but the writer completes the futures of the
	 * lines it wrote, and a line queued with a future of the test's own runs its code.
	 * @param server the server
	 * @return its queue
	 */
	static SendQueue sendQueue(PipeServer server) throws ReflectiveOperationException {
		Field sender = PipeServer.class.getDeclaredField("sender");
		sender.setAccessible(true);
		SendQueue queue = ((LineSender) sender.get(server)).queue();
		assertThat(queue).isNotNull();
		return queue;
	}

	/**
	 * @return the names of live engine threads (not the registry's keep-alive thread,
	 * which a context another test left open may hold)
	 */
	static List<String> engineThreads() {
		return liveThreads().filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("pipe-io-") && !name.equals("pipe-io-keep-alive"))
			.sorted()
			.toList();
	}

	/** Every platform thread, and the virtual workers. */
	private static Stream<Thread> liveThreads() {
		return Stream.concat(Thread.getAllStackTraces().keySet().stream(), liveVirtualWorkers().stream());
	}

	/**
	 * @return the live thread with that name
	 */
	static Thread thread(String name) {
		return liveThreads().filter((thread) -> thread.isAlive() && thread.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No live thread " + name + " among " + engineThreads()));
	}

	/**
	 * Return the thread that waits for the lines of a channel's in pipe: the channel's
	 * own reader under the thread engine, the loop that every channel shares under the
	 * event loop (a test checks it does not spin, for instance).
	 * @param channel the channel
	 * @return the thread's name
	 */
	static String readerThreadName(String channel) {
		return (ENGINE == PipeEngine.EVENT_LOOP) ? "pipe-io-event-loop" : "pipe-io-" + channel + "-reader";
	}

	/**
	 * @return the live thread that waits for the lines of the test channel's in pipe
	 * @see #readerThreadName(String)
	 */
	static Thread readerThread() {
		return thread(readerThreadName("test"));
	}

	/**
	 * Return the engine threads while one started channel has received no line: its
	 * reader and writer under the thread engine, the loop under the event loop (whose
	 * workers are started for lines only), and the shared watchdog.
	 * @param channel the channel
	 * @return the thread names, sorted like {@link #engineThreads()}
	 */
	static List<String> idleThreads(String channel) {
		if (ENGINE == PipeEngine.EVENT_LOOP) {
			return List.of("pipe-io-event-loop", "pipe-io-watchdog");
		}
		return List.of("pipe-io-" + channel + "-reader", "pipe-io-" + channel + "-writer", "pipe-io-watchdog");
	}

	/**
	 * Return the name a thread gets while it runs a handler call of the test channel that
	 * a stop gave up on: the reader's under the thread engine, a worker's under the event
	 * loop, or the loop's own with {@link DispatchMode#LOOP}.
	 * @return a regular expression of the name
	 */
	static String abandonedThreadPattern() {
		if (ENGINE == PipeEngine.THREADS) {
			return "pipe-io-test-reader-abandoned";
		}
		return (DISPATCH == DispatchMode.LOOP) ? "pipe-io-event-loop-abandoned" : "pipe-io-worker-\\d+-abandoned";
	}

	/**
	 * Assert that the test channel still reads after what the test did to it: a further
	 * line is received and, under the thread engine, by the reader thread captured before
	 * (it was neither killed nor replaced). The event loop has no reader thread of a
	 * channel's own and any worker may handle a line, so there the further line is the
	 * guarantee to check.
	 * @param reader the {@link #readerThread()} captured before
	 */
	void assertReaderSurvived(Thread reader) {
		int received = this.recorder.count();
		try (PipeTestClient writer = writer()) {
			writer.send("still read");
		}
		assertThat(this.recorder.awaitStrings(received + 1)).last().isEqualTo("still read");
		if (ENGINE == PipeEngine.THREADS) {
			assertThat(readerThread()).isSameAs(reader);
		}
	}

	/**
	 * Wait until the test channel's in pipe, deleted or replaced by the test, is retired:
	 * its reader drains what clients still write to the old pipe while another reads the
	 * new one. The channel retires the old reader before it reports the pipe recreated,
	 * which is what every engine shows; under the thread engine the retired reader is a
	 * thread of its own, renamed.
	 */
	void awaitInPipeRetired() {
		await().atMost(Duration.ofSeconds(2)).until(() -> this.recorder.recreated.contains(in()));
		if (ENGINE == PipeEngine.THREADS) {
			assertThat(engineThreads()).contains("pipe-io-test-reader", "pipe-io-test-reader-retired");
		}
	}

	/**
	 * Wait until the reader of a retired in pipe has ended, as it does once its last
	 * client closed the old pipe: this process holds the old FIFO, gone from the
	 * directory, open no more (on any engine), and under the thread engine the retired
	 * reader's thread has ended.
	 */
	void awaitRetiredReaderEnded() {
		await().atMost(Duration.ofSeconds(2)).until(() -> OpenDescriptors.onDeleted(in()) == 0);
		if (ENGINE == PipeEngine.THREADS) {
			await().atMost(Duration.ofSeconds(2))
				.until(() -> engineThreads().equals(idleThreads("test").stream().sorted().toList()));
		}
	}

	/**
	 * Create a FIFO with the system tool, independently of the engine's own native calls.
	 */
	static void mkfifo(Path path) throws IOException, InterruptedException {
		TestProcesses.run("mkfifo", "-m", "600", path.toString());
	}

	/**
	 * @return whether the path itself (not a link target) is a FIFO
	 */
	static boolean isFifo(Path path) throws IOException {
		return Files.exists(path, LinkOption.NOFOLLOW_LINKS) && (mode(path) & 0170000) == 0010000;
	}

	/**
	 * @return the full {@code st_mode} of the path itself
	 */
	static int mode(Path path) throws IOException {
		return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * @return the inode of the path itself
	 */
	static long inode(Path path) throws IOException {
		return (Long) Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * Write to a pipe as a client does that never waits (the descriptor opened
	 * {@code O_NONBLOCK}), through the engine's own call.
	 * @param descriptor the pipe's descriptor
	 * @param text the bytes to write, US-ASCII
	 * @return how many bytes the pipe took: fewer than all when it is full
	 */
	static int writeNow(int descriptor, String text) throws IOException {
		byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
		try (Memory memory = new Memory(bytes.length)) {
			memory.write(0, bytes, 0, bytes.length);
			return Math.max(Posix.writeNow(descriptor, memory, bytes.length), 0);
		}
	}

	/**
	 * Set the umask of this (whole) process; tests run one at a time, and restore it.
	 * @return the previous umask
	 */
	static int umask(int mask) {
		return LibC.INSTANCE.umask(mask);
	}

	private static PipeEngine engine(String value) {
		if (value.equals(PipeEngine.THREADS.value())) {
			return PipeEngine.THREADS;
		}
		if (value.equals(PipeEngine.EVENT_LOOP.value())) {
			return PipeEngine.EVENT_LOOP;
		}
		// Not auto either: the tests expect what one engine does, so they must know
		// which.
		throw new IllegalStateException(
				ENGINE_PROPERTY + " '" + value + "' is not an engine to test; use threads or event-loop");
	}

	private static DispatchMode dispatch(String value) {
		for (DispatchMode mode : DispatchMode.values()) {
			if (mode.value().equals(value)) {
				return mode;
			}
		}
		throw new IllegalStateException(
				DISPATCH_PROPERTY + " '" + value + "' is not a dispatch mode; use auto, loop or worker");
	}

	/** The JDK cannot set the umask; JNA is on the class path for the engine anyway. */
	interface LibC extends Library {

		LibC INSTANCE = Native.load("c", LibC.class);

		int umask(int mask);

	}

	/**
	 * A {@link LineHandler} that replies, as a lambda.
	 */
	@FunctionalInterface
	interface ReplyingHandler {

		void onLine(byte[] buffer, int offset, int length, ReplySink replies) throws Exception;

	}

}
