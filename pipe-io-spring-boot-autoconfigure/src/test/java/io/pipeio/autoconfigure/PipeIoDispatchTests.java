package io.pipeio.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.pipeio.annotation.PipeListener;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeTemplate;
import io.pipeio.server.DispatchMode;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pipe-io.channels.<name>.dispatch} and its default
 * {@code pipe-io.channel-defaults.dispatch} reach the server settings of configured
 * channels and of channels only a listener declares, a value that is no mode fails
 * startup, and on the event loop engine the mode decides which thread runs the listener.
 */
@Timeout(60)
class PipeIoDispatchTests {

	private static final String LOOP_THREAD = "pipe-io-event-loop";

	private static final String WORKER_THREAD_PREFIX = "pipe-io-worker-";

	/**
	 * Round trips enough for the auto mode to have moved a fast listener to the loop
	 * thread, so that staying on workers shows the worker mode at work.
	 */
	private static final int ROUND_TRIPS = 300;

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory).withUserConfiguration(Listener.class);
	}

	@Test
	void theDispatchModeIsAutoByDefault() {
		runner().withPropertyValues("pipe-io.channels.configured.charset=UTF-8").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(modes(context)).containsExactly(DispatchMode.AUTO, DispatchMode.AUTO);
		});
	}

	@ParameterizedTest(name = "pipe-io.channels.configured.dispatch={0}")
	@CsvSource(delimiter = '|', textBlock = """
			loop   | LOOP
			worker | WORKER
			WORKER | WORKER
			auto   | AUTO
			""")
	void aChannelsValueReachesItsServer(String value, DispatchMode mode) {
		runner().withPropertyValues("pipe-io.channels.configured.dispatch=" + value).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(modes(context)).containsExactly(mode, DispatchMode.AUTO);
		});
	}

	@Test
	void theDefaultReachesConfiguredAndDeclaredChannels() {
		runner().withPropertyValues("pipe-io.channel-defaults.dispatch=worker", "pipe-io.channels.configured=")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(modes(context)).containsExactly(DispatchMode.WORKER, DispatchMode.WORKER);
			});
	}

	@Test
	void aChannelsValueWinsOverTheDefault() {
		runner()
			.withPropertyValues("pipe-io.channel-defaults.dispatch=worker", "pipe-io.channels.configured.dispatch=loop")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(modes(context)).containsExactly(DispatchMode.LOOP, DispatchMode.WORKER);
			});
	}

	@Test
	void aChannelThatWaitsBeforeARetryRunsItsListenerOnWorkersUnderAuto() {
		runner()
			.withPropertyValues("pipe-io.channels.configured.retry.max-attempts=3",
					"pipe-io.channels.configured.retry.initial-interval=1s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(modes(context)).containsExactly(DispatchMode.WORKER, DispatchMode.AUTO);
			});
	}

	@Test
	void loopForAChannelThatWaitsBeforeARetryFailsStartupNamingTheFix() {
		runner()
			.withPropertyValues("pipe-io.channels.configured.retry.max-attempts=3",
					"pipe-io.channels.configured.dispatch=loop")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
					.contains("pipe-io.channels.configured.dispatch=loop")
					.contains("pipe-io.channels.configured.retry.max-attempts")
					.contains("use dispatch auto or worker");
			});
	}

	@Test
	void aValueThatIsNoModeFailsStartupNamingTheChannelsPropertyAndTheValues() {
		runner().withPropertyValues("pipe-io.channels.configured.dispatch=fast").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
				.contains("pipe-io.channels.configured.dispatch 'fast' is not a dispatch mode")
				.contains("use auto, loop or worker");
			assertThat(this.directory).isEmptyDirectory();
		});
	}

	@Test
	void aDefaultThatIsNoModeFailsStartupNamingTheDefault() {
		runner().withPropertyValues("pipe-io.channel-defaults.dispatch=workers").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
				.contains("pipe-io.channel-defaults.dispatch 'workers' is not a dispatch mode")
				.contains("use auto, loop or worker");
			assertThat(this.directory).isEmptyDirectory();
		});
	}

	@Test
	void loopRunsTheListenerOnTheEventLoopThread() {
		runner().withPropertyValues("pipe-io.engine=event-loop", "pipe-io.channels.configured.dispatch=loop")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(PipeTestClient.request(this.directory, "configured", "one")).isEqualTo("configured:one");
				assertThat(context.getBean(Listener.class).threads).containsExactly(LOOP_THREAD);
			});
	}

	@Test
	void workerRunsTheListenerOnWorkerThreads() {
		runner().withPropertyValues("pipe-io.engine=event-loop", "pipe-io.channels.configured.dispatch=worker")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "configured")) {
					for (int i = 0; i < ROUND_TRIPS; i++) {
						assertThat(client.request("line " + i)).isEqualTo("configured:line " + i);
					}
				}
				assertThat(context.getBean(Listener.class).threads).isNotEmpty()
					.allSatisfy((name) -> assertThat(name).startsWith(WORKER_THREAD_PREFIX));
			});
	}

	@Test
	void aListenerOnTheLoopThreadGetsTheReplyToItsRequestOnAnotherChannel() throws Exception {
		// Only the loop reads the reply to "front"'s request: the watchdog lets a new
		// loop thread wait for events while the listener holds the first one.
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(Requester.class)
			.withPropertyValues("pipe-io.engine=event-loop", "pipe-io.channels.front.dispatch=loop",
					"pipe-io.channels.back.charset=UTF-8")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Thread backClient = new Thread(() -> {
					try (PipeTestClient back = PipeTestClient.connect(this.directory, "back")) {
						back.send("pong to " + back.receive());
					}
				});
				backClient.start();
				try {
					assertThat(PipeTestClient.request(this.directory, "front", "ping")).isEqualTo("front:pong to ping");
				}
				finally {
					backClient.join(10_000);
				}
				assertThat(context.getBean(Requester.class).threads).singleElement()
					.satisfies((name) -> assertThat(name).startsWith(LOOP_THREAD));
			});
	}

	/**
	 * The modes of the configured channel "configured" and of the channel "declared" that
	 * only a listener declares, which gets the defaults.
	 */
	private static DispatchMode[] modes(AssertableApplicationContext context) {
		PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
		return new DispatchMode[] { registry.getRequiredChannel("configured").getSettings().server().getDispatch(),
				registry.getRequiredChannel("declared").getSettings().server().getDispatch() };
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		/** The names of the threads that ran a listener of "configured". */
		final Set<String> threads = ConcurrentHashMap.newKeySet();

		@PipeListener("configured")
		String configured(String line) {
			// Recorded before the reply is written, so a client that has the reply sees
			// the name here.
			this.threads.add(Thread.currentThread().getName());
			return "configured:" + line;
		}

		@PipeListener("declared")
		String declared(String line) {
			return line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Requester {

		/** The names of the threads that ran the listener of "front". */
		final Set<String> threads = ConcurrentHashMap.newKeySet();

		private final PipeTemplate template;

		Requester(PipeTemplate template) {
			this.template = template;
		}

		@PipeListener("front")
		String front(String line) {
			this.threads.add(Thread.currentThread().getName());
			return "front:" + this.template.sendAndReceive("back", line, Duration.ofSeconds(5));
		}

	}

}
