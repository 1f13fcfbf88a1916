package io.pipeio.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.EchoEndpoint;
import io.pipeio.testsupport.ListenerEndpoint;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A channel paused through the registry (the {@code pipeio} endpoint's pause) stays
 * paused until it is resumed there: a listener that leaves and one that is attached
 * meanwhile do not resume it. A channel its listener left is still resumed by the next
 * one.
 */
@Timeout(60)
class PipeChannelOperatorPauseTests {

	@TempDir
	Path directory;

	@Test
	void aPauseSurvivesTheListenerBeingReplaced() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			registry.registerListener(new EchoEndpoint("first"));
			registry.pause("work");
			assertThat(registry.unregisterListener("work")).isTrue();
			registry.registerListener(new EchoEndpoint("second"));
			assertThat(registry.getRequiredChannel("work").isPaused()).isTrue();
			registry.resume("work");
			assertThat(PipeTestClient.request(this.directory, "work", "hi")).isEqualTo("second hi");
		});
	}

	@Test
	void aPauseSurvivesAStopAndAStartOfTheChannel() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			registry.registerListener(new EchoEndpoint("first"));
			registry.pause("work");
			registry.stop("work");
			registry.start("work");
			assertThat(registry.getRequiredChannel("work").isPaused()).isTrue();
			registry.resume("work");
			assertThat(PipeTestClient.request(this.directory, "work", "hi")).isEqualTo("first hi");
		});
	}

	@Test
	void aPauseWhileNoListenerIsAttachedSurvivesTheNextListener() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			registry.registerListener(new EchoEndpoint("first"));
			assertThat(registry.unregisterListener("work")).isTrue();
			registry.pause("work");
			registry.registerListener(new EchoEndpoint("second"));
			assertThat(registry.getRequiredChannel("work").isPaused()).isTrue();
		});
	}

	@Test
	void aChannelItsListenerLeftIsResumedByTheNextOne() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			registry.registerListener(new EchoEndpoint("first"));
			assertThat(registry.unregisterListener("work")).isTrue();
			assertThat(registry.getRequiredChannel("work").isPaused()).isTrue();
			registry.registerListener(new EchoEndpoint("second"));
			assertThat(PipeTestClient.request(this.directory, "work", "hi")).isEqualTo("second hi");
		});
	}

	@Test
	void aListenerPausingItsChannelWhileItIsDetachedHoldsUpNeitherTheDetachNorTheRestOfItsChunk() {
		runner().run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			CountDownLatch inFirstLine = new CountDownLatch(1);
			CountDownLatch detaching = new CountDownLatch(1);
			List<String> received = new CopyOnWriteArrayList<>();
			registry.registerListener(new ListenerEndpoint("work", (line, channel) -> {
				String text = new String(line, StandardCharsets.UTF_8);
				received.add(text);
				if (text.equals("a")) {
					inFirstLine.countDown();
					detaching.await(10, TimeUnit.SECONDS);
					registry.pause("work"); // back-pressure, while the detach waits
				}
				return null;
			}));
			try (PipeTestClient client = PipeTestClient.sender(this.directory.resolve("work.in"))) {
				client.sendRaw("a\nb\n".getBytes(StandardCharsets.UTF_8)); // one chunk
				assertThat(inFirstLine.await(10, TimeUnit.SECONDS)).isTrue();
				CompletableFuture<Boolean> detach = CompletableFuture.supplyAsync(() -> {
					detaching.countDown();
					return registry.unregisterListener("work");
				});
				// Well within the 5 s a detach waits for the chunk it cuts.
				assertThat(detach).succeedsWithin(Duration.ofSeconds(3)).isEqualTo(true);
				assertThat(received).containsExactly("a", "b");
				assertThat(registry.getRequiredChannel("work").getStatistics().getDropped(DropReason.NO_LISTENER))
					.isZero();
			}
		});
	}

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.work.charset=UTF-8");
	}

}
