package io.pipeio.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.EchoEndpoint;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application that only serves channels, with no web server, runs on once its
 * {@code main} method returned, as long as its channels are served, and exits once its
 * context is closed. Each case is a JVM of its own.
 */
@Timeout(120)
class PipeOnlyApplicationLifetimeTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@TempDir
	Path directory;

	@Test
	void anApplicationServingOnlyChannelsRunsOnAfterMainReturns() throws Exception {
		Process application = start();
		try {
			await().atMost(WAIT).until(() -> Files.exists(this.directory.resolve("calc.in")));
			assertThat(application.waitFor(3, TimeUnit.SECONDS)).as("exited while serving its channel").isFalse();
			// Served, not only alive.
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "calc")) {
				client.send("ping");
			}
		}
		finally {
			application.destroyForcibly();
			application.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void anApplicationWhoseContextIsClosedExits() throws Exception {
		Process application = start("--close");
		try {
			assertThat(application.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("exited").isTrue();
			assertThat(application.exitValue()).isZero();
			assertThat(this.directory.resolve("calc.in")).doesNotExist();
		}
		finally {
			application.destroyForcibly();
		}
	}

	@Test
	void aChannelALateListenerAddsHoldsTheJvmToo() {
		// Counted against those of contexts other tests may have left open.
		long before = keepAliveThreads();
		PipeIoContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			assertThat(registry.getChannelNames()).isEmpty();
			assertThat(keepAliveThreads()).isEqualTo(before);
			registry.registerListener(new EchoEndpoint("late")); // channel "work"
			assertThat(registry.getRequiredChannel("work").isRunning()).isTrue();
			assertThat(keepAliveThreads()).isEqualTo(before + 1);
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> keepAliveThreads() == before);
	}

	private static long keepAliveThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals("pipe-io-keep-alive") && thread.isAlive())
			.count();
	}

	private Process start(String... extra) throws Exception {
		String java = ProcessHandle.current().info().command().orElseThrow();
		List<String> command = new java.util.ArrayList<>(
				List.of(java, "-cp", System.getProperty("java.class.path"), Application.class.getName(),
						"--pipe-io.directory=" + this.directory, "--pipe-io.channels.calc.charset=UTF-8"));
		command.addAll(List.of(extra));
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.directory.resolve("application.log").toFile())
			.start();
	}

	/**
	 * Serves channel {@code calc}; {@code --close} closes the context once it started.
	 */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(PipeIoAutoConfiguration.class)
	static class Application {

		public static void main(String[] args) {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
				.web(WebApplicationType.NONE)
				.run(args);
			if (List.of(args).contains("--close")) {
				context.close();
			}
		}

	}

}
