package io.pipeio.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import io.pipeio.annotation.PipeListener;
import io.pipeio.autoconfigure.PipeChannelSettingsFactory;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerState;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.ListenerEndpoint;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.OpenDescriptors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * A start that fails, or that the context stops waiting for, leaves nothing behind: no
 * open dead-letter file, no channel running with its pipes and the directory lock, no
 * listener attached for a bean that failed, no channel registered without its listener.
 */
@Timeout(60)
class PipeChannelRegistryStartFailureTests {

	@TempDir
	Path directory;

	@TempDir
	Path letters;

	@Test
	void aFailedStartClosesTheDeadLetterFilesItOpened() throws Exception {
		// Channel b cannot start: its in pipe is a regular file.
		Files.writeString(this.directory.resolve("b.in"), "not a fifo");
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.a.dead-letter.file=" + this.letters.resolve("a.jsonl"),
					"pipe-io.channels.b.dead-letter.file=" + this.letters.resolve("b.jsonl"))
			.run((context) -> assertThat(context).hasFailed());
		assertThat(this.directory.resolve("a.in")).doesNotExist();
		assertThat(this.directory.resolve("b.in")).hasContent("not a fifo");
		assertThat(OpenDescriptors.under(this.letters)).isEmpty();
	}

	@Test
	void channelsAStartTheContextStoppedWaitingForAreStoppedWithTheContext() throws Exception {
		SlowStart slowStart = new SlowStart();
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.a.manage-pipes=true")
			.withBean(PipeServerListener.class, () -> slowStart)
			.withUserConfiguration(ConcurrentStartup.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining("within timeout");
			});
		// The start goes on after the context failed; once it is over, nothing is left.
		await().atMost(Duration.ofSeconds(10)).untilTrue(slowStart.started);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(filesIn(this.directory)).isEmpty());
	}

	@Test
	void aLazyListenerWhoseChannelFailedToStartCanBeCreatedOnceThePathIsFixed() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(LazyListenerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Path in = this.directory.resolve("late.in");
				Files.writeString(in, "a shell's > made this");
				assertThatException().isThrownBy(() -> context.getBean(LateListener.class))
					.withStackTraceContaining("regular file");
				Files.delete(in);
				context.getBean(LateListener.class);
				assertThat(PipeTestClient.request(this.directory, "late", "hi")).isEqualTo("late:hi");
			});
	}

	@Test
	void aChannelWhoseListenerCannotBeAttachedIsNotRegistered() {
		PipeIoContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
			registry.setListenerDecorators(List.of((channel, listener) -> {
				throw new IllegalStateException("no tracer for " + channel);
			}));
			assertThatException()
				.isThrownBy(() -> registry.register("late", factory.createDefault("late"), (line, ctx) -> line))
				.withMessage("no tracer for late");
			assertThat(registry.getChannel("late")).isNull();
			registry.setListenerDecorators(List.of());
			registry.register("late", factory.createDefault("late"), (line, ctx) -> line);
			assertThat(PipeTestClient.request(this.directory, "late", "hi")).isEqualTo("hi");
		});
	}

	/**
	 * A channel declared for a listener is not started until the listener is attached;
	 * one that cannot be is started with the channels, as any channel without a listener.
	 */
	@Test
	void aChannelDeclaredForAListenerThatCannotBeAttachedStartsWithTheChannels() {
		PipeIoContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			registry.stop();
			registry.setListenerDecorators(List.of((channel, listener) -> {
				throw new IllegalStateException("no tracer for " + channel);
			}));
			assertThatException()
				.isThrownBy(() -> registry.registerListener(new ListenerEndpoint("late", (line, ctx) -> line)))
				.withMessage("no tracer for late");
			registry.start();
			assertThat(registry.getRequiredChannel("late").isRunning()).isTrue();
		});
	}

	private static List<String> filesIn(Path directory) throws Exception {
		try (Stream<Path> files = Files.list(directory)) {
			return files.map((file) -> file.getFileName().toString()).sorted().toList();
		}
	}

	/**
	 * Holds up the start of channel {@code a}, and tells when it ran. One per test: a
	 * flag shared by all would tell a test of a start that ran before it.
	 */
	static final class SlowStart implements PipeServerListener {

		final AtomicBoolean started = new AtomicBoolean();

		@Override
		public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
				@Nullable Throwable failure) {
			if (current == PipeServerState.RUNNING && server.getChannel().equals("a")) {
				this.started.set(true);
			}
			if (current == PipeServerState.STARTING && server.getChannel().equals("a")) {
				try {
					// A slow start is the scenario, not a wait for a condition: the
					// context gives up on it after 300 ms, and its close waits for it to
					// end (a latch released by the test would never be).
					Thread.sleep(1500);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

	}

	/** Starts the registry's phase on another thread, waiting 300 ms for it. */
	@Configuration(proxyBeanMethods = false)
	static class ConcurrentStartup {

		@Bean
		SimpleAsyncTaskExecutor bootstrapExecutor() {
			return new SimpleAsyncTaskExecutor("bootstrap-");
		}

		@Bean
		DefaultLifecycleProcessor lifecycleProcessor() {
			DefaultLifecycleProcessor processor = new DefaultLifecycleProcessor();
			processor.setConcurrentStartupForPhases(Map.of(PipeChannelRegistry.DEFAULT_PHASE, 300L));
			return processor;
		}

	}

	static class LateListener {

		@PipeListener("late")
		String late(String line) {
			return "late:" + line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyListenerConfiguration {

		@Bean
		@Lazy
		LateListener lateListener() {
			return new LateListener();
		}

	}

}
