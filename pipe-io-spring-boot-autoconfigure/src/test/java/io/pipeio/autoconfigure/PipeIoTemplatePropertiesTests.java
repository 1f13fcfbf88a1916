package io.pipeio.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeChannelSettings;
import io.pipeio.core.PipeRequestException;
import io.pipeio.core.PipeRequestOutcome;
import io.pipeio.core.PipeTemplate;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code pipe-io.template.reply-timeout}, a channel's own
 * {@code pipe-io.channels.<name>.reply-timeout}, and {@link PipeTemplateCustomizer} beans
 * reach the auto-configured template.
 */
@Timeout(60)
class PipeIoTemplatePropertiesTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		// "quiet": nothing reads its out pipe or answers; a request can only time out
		return PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.quiet.charset=UTF-8");
	}

	@Test
	void theReplyTimeoutIsTheTimeoutOfRequestsThatTakeNone() {
		// Far below the 30 s default, which would outlast the wait below.
		runner().withPropertyValues("pipe-io.template.reply-timeout=300ms").run((context) -> {
			PipeTemplate template = context.getBean(PipeTemplate.class);
			assertTimesOutWithin(() -> template.sendAndReceive("quiet", "anyone?"), Duration.ofSeconds(20));
		});
	}

	@Test
	void aChannelsOwnReplyTimeoutWinsOverTheTemplates() {
		// the template's hour would outlast the wait below
		runner().withPropertyValues("pipe-io.template.reply-timeout=1h", "pipe-io.channels.quiet.reply-timeout=300ms")
			.run((context) -> {
				assertThat(context.getBean(PipeChannelRegistry.class).getRequiredChannel("quiet").getSettings())
					.extracting(PipeChannelSettings::replyTimeout)
					.isEqualTo(Duration.ofMillis(300));
				PipeTemplate template = context.getBean(PipeTemplate.class);
				assertTimesOutWithin(() -> template.sendAndReceive("quiet", "anyone?"), Duration.ofSeconds(20));
				assertTimesOutWithin(() -> template.convertSendAndReceive("quiet", "anyone?", String.class),
						Duration.ofSeconds(20));
				assertTimesOut(template.sendAndReceiveAsync("quiet", "anyone?"), Duration.ofSeconds(20));
				assertTimesOut(template.sendAndReceiveAsync("quiet", new byte[] { 'x' }), Duration.ofSeconds(20));
			});
	}

	@Test
	void aChannelWithoutAReplyTimeoutOfItsOwnTakesTheTemplates() {
		// "patient" answers no more than "quiet" does, but may take an hour
		runner().withPropertyValues("pipe-io.template.reply-timeout=300ms", "pipe-io.channels.patient.reply-timeout=1h")
			.run((context) -> {
				PipeTemplate template = context.getBean(PipeTemplate.class);
				CompletableFuture<String> patient = requestInItsOwnThread(
						() -> template.sendAndReceive("patient", "anyone?"));
				assertTimesOutWithin(() -> template.sendAndReceive("quiet", "anyone?"), Duration.ofSeconds(20));
				// longer than the template's 300 ms, which would have timed it out
				await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> !patient.isDone());
			});
	}

	@Test
	void aChannelsReplyTimeoutThatIsNotPositiveFailsStartupNamingThePropertyAndTheFix() {
		runner().withPropertyValues("pipe-io.channels.quiet.reply-timeout=0s").run((context) -> {
			assertThat(context).hasFailed();
			String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
			assertThat(message).contains("pipe-io.channels.quiet.reply-timeout must be positive, got 0s")
				.contains("or leave it out for pipe-io.template.reply-timeout");
		});
	}

	@Test
	void customizersAreAppliedInOrderAfterTheProperties() {
		runner().withPropertyValues("pipe-io.template.reply-timeout=1h")
			.withUserConfiguration(Customizers.class)
			.run((context) -> {
				PipeTemplate template = context.getBean(PipeTemplate.class);
				assertThat(context.getBean(Customizers.class).customized).containsExactly("first", "second");
				// the second customizer's timeout, not the hour of the property
				assertTimesOutWithin(() -> template.sendAndReceive("quiet", "anyone?"), Duration.ofSeconds(20));
			});
	}

	@Test
	void aReplyTimeoutThatIsNotPositiveFailsStartupNamingThePropertyAndTheFix() {
		runner().withPropertyValues("pipe-io.template.reply-timeout=0s").run((context) -> {
			assertThat(context).hasFailed();
			String message = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
			assertThat(message).contains("pipe-io.template.reply-timeout must be positive, got PT0S")
				.contains("set how long a request waits for its answer, such as 30s (the default)");
		});
	}

	private static void assertTimesOutWithin(Supplier<?> request, Duration limit) {
		assertTimesOut(requestInItsOwnThread(request), limit);
	}

	private static void assertTimesOut(CompletableFuture<?> answer, Duration limit) {
		assertThat(answer).failsWithin(limit)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(PipeRequestException.class,
					(ex) -> assertThat(ex.getOutcome()).isEqualTo(PipeRequestOutcome.TIMEOUT));
	}

	private static <T> CompletableFuture<T> requestInItsOwnThread(Supplier<T> request) {
		CompletableFuture<T> call = new CompletableFuture<>();
		// its own thread: a pool's task may start late on a busy machine
		Thread caller = new Thread(() -> {
			try {
				call.complete(request.get());
			}
			catch (Throwable ex) {
				call.completeExceptionally(ex);
			}
		});
		caller.start();
		return call;
	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		final List<String> customized = new CopyOnWriteArrayList<>();

		@Bean
		@Order(2)
		PipeTemplateCustomizer second() {
			return (template) -> {
				this.customized.add("second");
				template.setDefaultReplyTimeout(Duration.ofMillis(300));
			};
		}

		@Bean
		@Order(1)
		PipeTemplateCustomizer first() {
			return (template) -> this.customized.add("first");
		}

	}

}
