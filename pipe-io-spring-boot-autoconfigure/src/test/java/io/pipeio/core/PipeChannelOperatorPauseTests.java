package io.pipeio.core;

import java.nio.file.Path;

import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.EchoEndpoint;
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

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.work.charset=UTF-8");
	}

}
