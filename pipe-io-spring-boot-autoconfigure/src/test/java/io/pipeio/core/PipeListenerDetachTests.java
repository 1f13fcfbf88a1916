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
import io.pipeio.server.PipeServerSettings;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.EchoEndpoint;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link PipeChannelRegistry#unregisterListener} while the listener is busy with a chunk:
 * the rest of that chunk still goes to it, and the lines after it wait in the pipe for
 * the next listener; none is dropped for want of a listener.
 */
@Timeout(60)
class PipeListenerDetachTests {

	@TempDir
	Path directory;

	@Test
	void detachingLetsTheChunkBeingDeliveredReachTheListenerAndHoldsTheRest() {
		PipeIoContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			List<String> first = new CopyOnWriteArrayList<>();
			CountDownLatch entered = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			PipeChannel channel = registry.register("work",
					PipeChannelSettings.of(PipeServerSettings
						.builder("work", this.directory.resolve("work.in"), this.directory.resolve("work.out"))
						.build()),
					(line, channelContext) -> {
						String text = new String(line, StandardCharsets.UTF_8);
						first.add(text);
						if (text.equals("one")) {
							entered.countDown();
							release.await(30, TimeUnit.SECONDS);
						}
						return null;
					});
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "work")) {
				// one write, so one chunk
				client.sendRaw("one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8));
				assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
				CompletableFuture<Boolean> detached = CompletableFuture
					.supplyAsync(() -> registry.unregisterListener("work"));
				await().atMost(Duration.ofSeconds(10)).until(channel::isPaused);
				release.countDown();
				assertThat(detached.get(10, TimeUnit.SECONDS)).isTrue();
				assertThat(first).containsExactly("one", "two", "three");
				client.send("four"); // held in the pipe for the next listener
				registry.registerListener(new EchoEndpoint("second"));
				assertThat(client.receive()).isEqualTo("second four");
			}
			assertThat(channel.getStatistics().getDropped(DropReason.NO_LISTENER)).isZero();
		});
	}

	@Test
	void anEndpointDetachesOnlyTheListenerItAttached() {
		PipeIoContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			EchoEndpoint first = new EchoEndpoint("first");
			registry.registerListener(first);
			assertThat(registry.unregisterListener(first)).isTrue();
			assertThat(registry.unregisterListener(first)).as("gone already").isFalse();
			EchoEndpoint second = new EchoEndpoint("second");
			PipeChannel channel = registry.registerListener(second);
			assertThat(registry.unregisterListener(first)).as("the listener after it").isFalse();
			registry.unregister(channel.getName());
			EchoEndpoint third = new EchoEndpoint("third");
			registry.registerListener(third);
			assertThat(registry.unregisterListener(second)).as("a channel registered again").isFalse();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, channel.getName())) {
				assertThat(client.request("hello")).isEqualTo("third hello");
			}
			assertThat(registry.unregisterListener(third)).isTrue();
		});
	}

}
