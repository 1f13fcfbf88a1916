package io.pipeio.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.pipeio.annotation.PipeListener;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An asynchronous reply still incomplete when its channel stops: the replies held behind
 * it are counted, not kept, so that after a restart no reply waits for it; completing it
 * later is reported as a failure.
 */
@Timeout(60)
class PipeAsyncReplyStopTests {

	@TempDir
	Path directory;

	@Test
	void aReplyThatDidNotCompleteBeforeTheStopHoldsUpNoReplyAfterTheRestart() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(Hanging.class)
			.withPropertyValues("pipe-io.channels.work.charset=UTF-8")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannel channel = registry.getRequiredChannel("work");
				Hanging listener = context.getBean(Hanging.class);
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "work")) {
					client.send("hang");
					client.send("next"); // its reply waits behind the one that hangs
					await().atMost(Duration.ofSeconds(10)).until(() -> listener.calls == 2);
				}
				registry.stop("work");
				assertThat(channel.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isEqualTo(1);
				registry.start("work");
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "work")) {
					client.send("again");
					assertThat(client.receive()).isEqualTo("re:again");
				}
				listener.hanging.complete("too late");
				assertThat(channel.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isEqualTo(2);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Hanging {

		final CompletableFuture<String> hanging = new CompletableFuture<>();

		volatile int calls;

		@PipeListener("work")
		Object reply(String line) {
			this.calls++;
			return line.equals("hang") ? this.hanging : "re:" + line;
		}

	}

}
