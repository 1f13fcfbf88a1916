package io.pipeio.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.pipeio.autoconfigure.PipeChannelSettingsFactory;
import io.pipeio.autoconfigure.PipeIoEndpointAutoConfiguration;
import io.pipeio.converter.PipeMessageConverter;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.server.PipeServerListener;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.InvocationContext;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * {@code POST /actuator/pipeio/{channel}/{action}} answers with a status that says what
 * happened, and a body that says why; every action is logged at INFO with the caller's
 * principal.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class PipeIoEndpointWebExtensionTests {

	private static final SecurityContext ALICE = new SecurityContext() {

		@Override
		public @Nullable Principal getPrincipal() {
			return () -> "alice";
		}

		@Override
		public boolean isUserInRole(String role) {
			return false;
		}

	};

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory)
			.withConfiguration(AutoConfigurations.of(PipeIoEndpointAutoConfiguration.class))
			.withPropertyValues("pipe-io.channels.echo.charset=UTF-8", "pipe-io.channels.other.charset=UTF-8",
					"management.endpoints.web.exposure.include=pipeio");
	}

	@Test
	void anActionOnAChannelAnswersWithTheChannelAndIsLoggedWithThePrincipal(CapturedOutput output) {
		runner().run((context) -> {
			PipeIoEndpointWebExtension extension = context.getBean(PipeIoEndpointWebExtension.class);
			WebEndpointResponse<Map<String, Object>> response = change(context, "echo", "stop", ALICE);
			assertThat(response.getStatus()).isEqualTo(200);
			assertThat(response.getBody()).containsEntry("state", "STOPPED");
			assertThat(output).containsPattern("INFO .*pipeio endpoint: stop of channel 'echo' by alice: STOPPED");
			assertThat(change(context, "echo", "start", SecurityContext.NONE).getStatus()).isEqualTo(200);
			assertThat(output).containsPattern("INFO .*pipeio endpoint: start of channel 'echo': RUNNING");
			assertThat(extension.change("echo", "pause").getStatus()).as("called without the advisor").isEqualTo(200);
			assertThat(output).containsPattern("INFO .*pipeio endpoint: pause of channel 'echo': PAUSED");
		});
	}

	@Test
	void aStoppedChannelThatIsPausedSaysItStartsPaused(CapturedOutput output) {
		runner().run((context) -> {
			assertThat(change(context, "echo", "stop", SecurityContext.NONE).getBody()).doesNotContainKey("paused");
			WebEndpointResponse<Map<String, Object>> paused = change(context, "echo", "pause", SecurityContext.NONE);
			assertThat(paused.getStatus()).isEqualTo(200);
			assertThat(paused.getBody()).containsEntry("state", "STOPPED").containsEntry("paused", true);
			assertThat(output).containsPattern(
					"INFO .*pipeio endpoint: pause of channel 'echo': STOPPED \\(paused: starts paused\\)");
			assertThat(change(context, "echo", "start", SecurityContext.NONE).getBody())
				.containsEntry("state", "PAUSED")
				.doesNotContainKey("paused");
		});
	}

	@Test
	void theAdvisorLeavesOtherEndpointsAndReadsAlone() {
		OperationInvoker invoker = (context) -> "as is";
		OperationParameters parameters = mock(OperationParameters.class);
		PipeIoEndpointInvokerAdvisor advisor = new PipeIoEndpointInvokerAdvisor();
		assertThat(advisor.apply(EndpointId.of("loggers"), OperationType.WRITE, parameters, invoker)).isSameAs(invoker);
		assertThat(advisor.apply(EndpointId.of("pipeio"), OperationType.READ, parameters, invoker)).isSameAs(invoker);
	}

	@Test
	void anUnknownChannelIs404ListingTheChannels(CapturedOutput output) {
		runner().run((context) -> {
			WebEndpointResponse<Map<String, Object>> response = change(context, "nope", "stop", ALICE);
			assertThat(response.getStatus()).isEqualTo(404);
			assertThat(response.getBody()).containsEntry("error", "No channel 'nope'")
				.containsEntry("channels", List.of("echo", "other"));
			assertThat(output).contains("pipeio endpoint: stop of channel 'nope' by alice: no such channel");
		});
	}

	@Test
	void aChannelRemovedWhileTheActionRunsIs404AndNotAFailure(CapturedOutput output) {
		runner().withUserConfiguration(RemovingRegistryConfiguration.class).run((context) -> {
			RemovingRegistry registry = (RemovingRegistry) context.getBean(PipeChannelRegistry.class);
			registry.register("echo", context.getBean(PipeChannelSettingsFactory.class).createDefault("echo"),
					(line, channel) -> line);
			registry.removeOnStop = "echo";
			WebEndpointResponse<Map<String, Object>> response = change(context, "echo", "stop", ALICE);
			assertThat(response.getStatus()).isEqualTo(404);
			assertThat(response.getBody()).containsEntry("error", "No channel 'echo': it was removed meanwhile")
				.containsEntry("channels", List.of());
			assertThat(output).contains("pipeio endpoint: stop of channel 'echo' by alice: no such channel");
		});
	}

	@Test
	void anUnknownActionIs400ListingTheValidOnes(CapturedOutput output) {
		runner().run((context) -> {
			WebEndpointResponse<Map<String, Object>> response = change(context, "echo", "explode\nforged line", ALICE);
			assertThat(response.getStatus()).isEqualTo(400);
			assertThat(response.getBody()).containsEntry("actions",
					List.of("pause", "resume", "stop", "start", "restart"));
			assertThat(response.getBody().get("error").toString())
				.contains("use pause, resume, stop, start or restart");
			assertThat(output)
				.contains("pipeio endpoint: explode?forged line of channel 'echo' by alice: unknown action")
				.doesNotContain("\nforged line");
			assertThat(context.getBean(PipeChannelRegistry.class).getRequiredChannel("echo").isRunning()).isTrue();
		});
	}

	@Test
	void aFailedStartIs500WithTheReason(CapturedOutput output) {
		runner().run((context) -> {
			PipeIoEndpointWebExtension extension = context.getBean(PipeIoEndpointWebExtension.class);
			change(context, "echo", "stop", ALICE);
			Path in = Files.writeString(this.directory.resolve("echo.in"), "not a pipe");
			WebEndpointResponse<Map<String, Object>> response = change(context, "echo", "start", ALICE);
			assertThat(response.getStatus()).isEqualTo(500);
			assertThat(response.getBody().get("error").toString()).contains(in.toString()).contains("regular file");
			assertThat(response.getBody()).containsKey("state").containsEntry("inPipe", in.toString());
			assertThat(output)
				.containsPattern("INFO .*pipeio endpoint: start of channel 'echo' by alice: failed, \\w+: .*" + in
						+ ".*regular file");
			assertThat(in).hasContent("not a pipe");
			Files.delete(in);
			assertThat(change(context, "echo", "start", ALICE).getStatus()).isEqualTo(200);
		});
	}

	/**
	 * Call the extension as Spring Boot's web layer does: through the invoker advisors,
	 * with the request's security context.
	 */
	@SuppressWarnings("unchecked")
	private static WebEndpointResponse<Map<String, Object>> change(AssertableApplicationContext context, String channel,
			String action, SecurityContext security) {
		PipeIoEndpointWebExtension extension = context.getBean(PipeIoEndpointWebExtension.class);
		OperationInvoker invoker = context.getBean(PipeIoEndpointInvokerAdvisor.class)
			.apply(EndpointId.of("pipeio"), OperationType.WRITE, mock(OperationParameters.class),
					(invocation) -> extension.change((String) invocation.getArguments().get("channel"),
							(String) invocation.getArguments().get("action")));
		return (WebEndpointResponse<Map<String, Object>>) invoker
			.invoke(new InvocationContext(security, Map.of("channel", channel, "action", action)));
	}

	@Test
	void theWebExtensionNeedsWebExposure() {
		runner()
			.withPropertyValues("management.endpoints.web.exposure.include=health", "spring.jmx.enabled=true",
					"management.endpoints.jmx.exposure.include=pipeio")
			.run((context) -> assertThat(context).hasSingleBean(PipeIoEndpoint.class)
				.doesNotHaveBean(PipeIoEndpointWebExtension.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class RemovingRegistryConfiguration {

		@Bean
		RemovingRegistry removingRegistry(PipeChannelSettingsFactory factory, PipeMessageConverter converter,
				PipeErrorHandler errorHandler) {
			return new RemovingRegistry(factory, converter, errorHandler);
		}

	}

	/**
	 * Removes a channel just before it stops it by name, as a concurrent unregister
	 * would.
	 */
	static class RemovingRegistry extends PipeChannelRegistry {

		volatile @Nullable String removeOnStop;

		RemovingRegistry(PipeChannelSettingsFactory factory, PipeMessageConverter converter,
				PipeErrorHandler errorHandler) {
			super(factory::createDefault, converter, errorHandler, new PipeServerListener() {
			}, Duration.ofSeconds(1));
		}

		@Override
		public void stop(String name) {
			if (name.equals(this.removeOnStop)) {
				this.removeOnStop = null;
				unregister(name);
			}
			super.stop(name);
		}

	}

}
