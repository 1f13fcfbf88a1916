package io.pipeio.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelContext;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.core.PipeListenerEndpoint;
import io.pipeio.core.PipeMessageListener;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.EchoEndpoint;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener whose owner starts and stops apart from its channel (as an integration
 * adapter does) keeps the channel paused while it is stopped: an operator's resume
 * meanwhile leaves the lines in the pipe, says why, and the owner's start resumes the
 * channel.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class PipeListenerOwnerStoppedTests {

	@TempDir
	Path directory;

	@Test
	void anOperatorsResumeLeavesTheLinesInThePipeUntilTheOwnerStarts(CapturedOutput output) throws Exception {
		PipeIoContextRunners.withActuator(this.directory)
			.withPropertyValues("pipe-io.channels.work.charset=UTF-8",
					"management.endpoints.web.exposure.include=pipeio")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeIoEndpoint endpoint = context.getBean(PipeIoEndpoint.class);
				OwnedEndpoint owned = new OwnedEndpoint();
				PipeChannel channel = registry.registerListener(owned);
				assertThat(channel.isListenerStopped()).isTrue();
				assertThat(endpoint.change("work", "resume")).containsEntry("state", "PAUSED")
					.containsEntry("listenerStopped", true);
				assertThat(output).contains("resume of channel 'work': PAUSED (its listener, listener owned,"
						+ " is stopped: the channel reads again when it starts)");
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "work")) {
					client.send("waiting");
					await().during(Duration.ofMillis(500))
						.atMost(Duration.ofSeconds(10))
						.until(() -> channel.isPaused() && channel.getStatistics().getReceivedMessages() == 0);
					owned.accepting.set(true);
					channel.resume(); // what the owner does when it starts
					assertThat(client.receive(Duration.ofSeconds(10))).isEqualTo("owned waiting");
				}
				assertThat(channel.isListenerStopped()).isFalse();
				assertThat(endpoint.channel("work")).doesNotContainKey("listenerStopped");
			});
	}

	/**
	 * An operator's pause and the owner's are two: the operator's resume ends its own,
	 * and the owner's start its own.
	 */
	@Test
	void anOperatorsPauseOutlastsTheOwnersStartAndTheOwnersStopOutlastsTheOperatorsResume() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.work.charset=UTF-8")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				OwnedEndpoint owned = new OwnedEndpoint();
				PipeChannel channel = registry.registerListener(owned);
				registry.pause("work");
				owned.accepting.set(true);
				channel.resume();
				assertThat(channel.isPaused()).isTrue();
				owned.accepting.set(false);
				registry.resume("work");
				assertThat(channel.isPaused()).isTrue();
				owned.accepting.set(true);
				channel.resume();
				assertThat(PipeTestClient.request(this.directory, "work", "hi")).isEqualTo("owned hi");
			});
	}

	/**
	 * A listener that takes lines only while {@link #accepting}, found paused on attach,
	 * as an integration adapter is.
	 */
	static final class OwnedEndpoint implements PipeListenerEndpoint {

		final AtomicBoolean accepting = new AtomicBoolean();

		private final EchoEndpoint echo = new EchoEndpoint("owned", true);

		@Override
		public String getChannel() {
			return this.echo.getChannel();
		}

		@Override
		public String getDescription() {
			return this.echo.getDescription();
		}

		@Override
		public @Nullable PipeErrorHandler getErrorHandler() {
			return null;
		}

		@Override
		public PipeMessageListener createListener(PipeChannelContext channel) {
			return this.echo.createListener(channel);
		}

		@Override
		public boolean isPausedOnAttach() {
			return true;
		}

		@Override
		public boolean isAcceptingLines() {
			return this.accepting.get();
		}

	}

}
