package io.pipeio.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pipeio.annotation.PipeListener;
import io.pipeio.autoconfigure.PipeChannelSettingsFactory;
import io.pipeio.deadletter.DeadLetterSettings;
import io.pipeio.plugin.PluginExit;
import io.pipeio.plugin.PluginObserver;
import io.pipeio.plugin.PluginState;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerState;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.Undeclared;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * An application's callbacks that throw a checked exception they did not declare (a
 * Kotlin bean, a sneaky throw) do no more harm than the same callbacks throwing an
 * {@link IllegalStateException}: the others are still told, the failure is logged, no
 * line is lost and the channel and its plug-in go on. On both engines.
 */
@Timeout(120)
@ExtendWith(OutputCaptureExtension.class)
class UndeclaredCheckedCallbackExceptionTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path directory;

	/**
	 * The channel's own listener, which keeps the line in the dead-letter file, comes
	 * after the application's: it is still told.
	 */
	@ParameterizedTest(name = "pipe-io.engine={0}")
	@ValueSource(strings = { "threads", "event-loop" })
	void aTooLargeLineIsDeadLetteredWhenAListenerBeanThrowsAnUndeclaredCheckedException(String engine,
			CapturedOutput output) {
		PipeServerListener throwing = new PipeServerListener() {

			@Override
			public void onDropped(PipeServer server, DropReason reason, long size) {
				Undeclared.raise(new IOException("undeclared onDropped"));
			}

		};
		Path pipes = this.directory.resolve("pipes");
		Path deadLetters = this.directory.resolve("dead-letters.jsonl");
		runner(engine, pipes).withBean("throwing", PipeServerListener.class, () -> throwing)
			.withPropertyValues("pipe-io.channel-defaults.max-message-size=16B")
			.run((context) -> {
				PipeChannelSettings settings = context.getBean(PipeChannelSettingsFactory.class)
					.createDefault("c")
					.withDeadLetter(new DeadLetterSettings(deadLetters, 1 << 20, 1));
				context.getBean(PipeChannelRegistry.class).register("c", settings, (line, ctx) -> null);
				try (PipeTestClient writer = PipeTestClient.sender(pipes.resolve("c.in"))) {
					writer.send("x".repeat(100));
				}
				await().atMost(WAIT).until(() -> deadLetters.toFile().length() > 0);
				assertThat(output.getAll()).contains("undeclared onDropped");
			});
	}

	/**
	 * The listeners after the throwing one (the meters', which remove the channel's
	 * meters) are still told, and {@code unregister} returns.
	 */
	@ParameterizedTest(name = "pipe-io.engine={0}")
	@ValueSource(strings = { "threads", "event-loop" })
	void theOtherListenersAreToldOfARemovalWhenAListenerBeanThrowsAnUndeclaredCheckedException(String engine,
			CapturedOutput output) {
		AtomicBoolean toldAfter = new AtomicBoolean();
		PipeServerListener throwing = new PipeServerListener() {

			@Override
			public void onRemoved(PipeServer server) {
				Undeclared.raise(new IOException("undeclared onRemoved"));
			}

		};
		PipeServerListener after = new PipeServerListener() {

			@Override
			public void onRemoved(PipeServer server) {
				toldAfter.set(true);
			}

		};
		runner(engine, this.directory).withBean("throwing", PipeServerListener.class, () -> throwing)
			.withBean("after", PipeServerListener.class, () -> after)
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				registry.register("c", context.getBean(PipeChannelSettingsFactory.class).createDefault("c"),
						(line, ctx) -> null);
				assertThatNoException().isThrownBy(() -> registry.unregister("c"));
				assertThat(toldAfter).isTrue();
				assertThat(output.getAll()).contains("undeclared onRemoved");
			});
	}

	/**
	 * The plug-in's start, and so the channel's and the application's, goes on.
	 */
	@ParameterizedTest(name = "pipe-io.engine={0}")
	@ValueSource(strings = { "threads", "event-loop" })
	void theApplicationStartsWhenAPluginObserverThrowsAnUndeclaredCheckedExceptionOnTheStart(String engine)
			throws Exception {
		Observer throwing = new Observer("start");
		runner(engine, this.directory.resolve("pipes")).withBean("throwing", PluginObserver.class, () -> throwing)
			.withPropertyValues(plugin("exec sleep 1000"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PluginSupervisor plugin = supervisor(context.getBean(PipeChannelRegistry.class));
				await().atMost(WAIT).until(() -> plugin.getState() == PluginState.RUNNING);
			});
	}

	/**
	 * The observers after the throwing one (the exit event, the meters) are still told,
	 * and the failure is logged.
	 */
	@ParameterizedTest(name = "pipe-io.engine={0}")
	@ValueSource(strings = { "threads", "event-loop" })
	void theOtherObserversAreToldOfAnExitWhenAPluginObserverThrowsAnUndeclaredCheckedException(String engine,
			CapturedOutput output) throws Exception {
		Observer throwing = new Observer("exit");
		SecondObserver second = new SecondObserver();
		runner(engine, this.directory.resolve("pipes")).withBean("throwing", PluginObserver.class, () -> throwing)
			.withBean("second", PluginObserver.class, () -> second)
			.withPropertyValues(plugin("exec sleep 1000"))
			.run((context) -> {
				PluginSupervisor plugin = supervisor(context.getBean(PipeChannelRegistry.class));
				await().atMost(WAIT).until(() -> plugin.getPid() != null);
				long first = Objects.requireNonNull(plugin.getPid());
				ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
				await().atMost(WAIT).until(() -> plugin.getPid() != null && plugin.getPid() != first);
				await().atMost(WAIT).untilAsserted(() -> assertThat(second.told).contains("exit"));
				assertThat(output.getAll()).contains("undeclared exit");
			});
	}

	/**
	 * The copy of the plug-in's stderr goes on: an {@link IOException} is not taken for
	 * the end of it, which would leave the plug-in to die of SIGPIPE at its next write.
	 */
	@ParameterizedTest(name = "pipe-io.engine={0}")
	@ValueSource(strings = { "threads", "event-loop" })
	void aPluginGoesOnWritingToStderrWhenAPluginObserverThrowsAnUndeclaredCheckedExceptionOnALine(String engine,
			CapturedOutput output) throws Exception {
		Observer throwing = new Observer("stderr");
		runner(engine, this.directory.resolve("pipes")).withBean("throwing", PluginObserver.class, () -> throwing)
			.withPropertyValues(plugin("echo first >&2; sleep 0.5; i=0; while [ $i -lt 2000 ]; do"
					+ " echo \"stderr line $i\" >&2; i=$((i+1)); done; echo last-line >&2; exec sleep 1000"))
			.run((context) -> {
				PluginSupervisor plugin = supervisor(context.getBean(PipeChannelRegistry.class));
				await().atMost(WAIT).until(() -> plugin.getPid() != null);
				long first = Objects.requireNonNull(plugin.getPid());
				await().atMost(WAIT).until(() -> throwing.lines.contains("last-line"));
				assertThat(plugin.getPid()).isEqualTo(first);
				assertThat(output.getAll()).contains("undeclared stderr");
			});
	}

	/**
	 * A decorator's {@code onChunkEnd} that throws neither fails the channel nor stops
	 * its serving.
	 */
	@ParameterizedTest(name = "pipe-io.engine={0}")
	@ValueSource(strings = { "threads", "event-loop" })
	void aChannelIsStillServedWhenADecoratorThrowsAnUndeclaredCheckedExceptionAtTheEndOfAChunk(String engine) {
		Path pipes = this.directory.resolve("pipes");
		runner(engine, pipes).withUserConfiguration(ChunkEndDecorator.class).run((context) -> {
			for (String line : List.of("one", "two", "three")) {
				try (PipeTestClient client = PipeTestClient.connect(pipes.resolve("echo.in"), pipes.resolve("echo.out"),
						WAIT)) {
					assertThat(client.request(line)).isEqualTo("echo:" + line);
				}
			}
			assertThat(context.getBean(PipeChannelRegistry.class).getRequiredChannel("echo").getState())
				.isEqualTo(PipeServerState.RUNNING);
		});
	}

	private static ApplicationContextRunner runner(String engine, Path pipes) {
		return PipeIoContextRunners.withDirectory(pipes).withPropertyValues("pipe-io.engine=" + engine);
	}

	private String[] plugin(String script) throws IOException {
		Path file = Files.writeString(this.directory.resolve("plugin.sh"), script + "\n");
		return new String[] { "pipe-io.channels.calc.plugin.command[0]=sh",
				"pipe-io.channels.calc.plugin.command[1]=" + file, "pipe-io.channels.calc.plugin.restart=always" };
	}

	private static PluginSupervisor supervisor(PipeChannelRegistry registry) {
		return Objects.requireNonNull(registry.getRequiredChannel("calc").getPlugin());
	}

	/** Throws an undeclared IOException the first time it is told of the event. */
	@Order(1)
	static final class Observer implements PluginObserver {

		private final String event;

		private final AtomicBoolean thrown = new AtomicBoolean();

		final List<String> lines = new CopyOnWriteArrayList<>();

		Observer(String event) {
			this.event = event;
		}

		private void told(String event) {
			if (event.equals(this.event) && !this.thrown.getAndSet(true)) {
				Undeclared.raise(new IOException("undeclared " + event));
			}
		}

		@Override
		public void onStarted(PluginSupervisor plugin, long pid) {
			told("start");
		}

		@Override
		public void onExited(PluginSupervisor plugin, PluginExit exit) {
			told("exit");
		}

		@Override
		public void onStderrLine(PluginSupervisor plugin, String line) {
			this.lines.add(line);
			told("stderr");
		}

	}

	@Order(2)
	static final class SecondObserver implements PluginObserver {

		final List<String> told = new CopyOnWriteArrayList<>();

		@Override
		public void onExited(PluginSupervisor plugin, PluginExit exit) {
			this.told.add("exit");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ChunkEndDecorator {

		@PipeListener("echo")
		String echo(String line) {
			return "echo:" + line;
		}

		@Bean
		PipeMessageListenerDecorator throwingAtChunkEnd() {
			return (channel, listener) -> new BufferedPipeMessageListener() {

				@Override
				public @Nullable Object onMessage(byte[] buffer, int offset, int length, PipeChannelContext context)
						throws Exception {
					return listener.onMessage(buffer, offset, length, context);
				}

				@Override
				public void onChunkEnd(PipeChannelContext context) {
					listener.onChunkEnd(context);
					Undeclared.raise(new Exception("undeclared onChunkEnd"));
				}

			};
		}

	}

}
