package io.pipeio.integration.autoconfigure;

import java.nio.file.Path;

import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeOperations;
import io.pipeio.integration.dsl.PipeChannelAdapters;
import io.pipeio.integration.dsl.PipeIo;
import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.dsl.IntegrationFlow;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When {@link PipeIoIntegrationAutoConfiguration} provides the adapters' factory, that
 * the static {@link PipeIo} factory needs none, and that flows nothing runs are told of.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class PipeIoIntegrationAutoConfigurationTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class, IntegrationAutoConfiguration.class,
					PipeIoIntegrationAutoConfiguration.class))
			.withPropertyValues("pipe-io.directory=" + this.directory);
	}

	@Test
	void runShouldCreateAdapters() {
		runner().run((context) -> assertThat(context).hasSingleBean(PipeChannelAdapters.class));
	}

	@Test
	void runWhenPipeIoIsDisabledShouldNotCreateAdapters() {
		runner().withPropertyValues("pipe-io.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PipeChannelAdapters.class));
	}

	@Test
	void runWithoutSpringIntegrationShouldNotCreateAdapters() {
		runner().withClassLoader(new FilteredClassLoader(IntegrationFlow.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(PipeChannelRegistry.class)
				.doesNotHaveBean(PipeChannelAdapters.class));
	}

	@Test
	void runWithUserAdaptersShouldBackOff() {
		runner().withUserConfiguration(UserAdapters.class)
			.run((context) -> assertThat(context).getBean(PipeChannelAdapters.class)
				.isSameAs(context.getBean(UserAdapters.class).adapters));
	}

	@Test
	void theStaticFactoryBuildsAFlowThatAnswersTheChannelALineCameFrom() {
		runner().withUserConfiguration(EchoFlow.class).run((context) -> {
			assertThat(PipeTestClient.request(this.directory, "echo", "hello")).isEqualTo("HELLO");
		});
	}

	@Test
	void runWithAFlowButSpringIntegrationNotEnabledShouldWarnNamingTheFlowAndTheFix(CapturedOutput output) {
		withoutIntegrationAutoConfiguration().withUserConfiguration(EchoFlow.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(PipeChannelRegistry.class).getChannel("echo")).isNull();
			assertThat(output).contains("nothing runs the IntegrationFlow bean(s) [echo]")
				.contains("spring-boot-starter-integration")
				.contains("@EnableIntegration");
		});
	}

	@Test
	void runWithAFlowAndSpringIntegrationEnabledShouldNotWarn(CapturedOutput output) {
		runner().withUserConfiguration(EchoFlow.class).run((context) -> {
			assertThat(context.getBean(PipeChannelRegistry.class).getChannel("echo")).isNotNull();
			assertThat(output).doesNotContain("Spring Integration is not enabled");
		});
	}

	@Test
	void runWithoutFlowsShouldNotWarnWhateverIsEnabled(CapturedOutput output) {
		withoutIntegrationAutoConfiguration().run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(PipeChannelAdapters.class);
			assertThat(output).doesNotContain("Spring Integration is not enabled");
		});
	}

	@Test
	void runWithAnOutboundAdapterToAChannelThatDoesNotExistShouldWarnNamingIt(CapturedOutput output) {
		runner().withPropertyValues("pipe-io.channels.commands.auto-startup=false")
			.withUserConfiguration(OutboundFlows.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("writes to channel 'comands', which does not exist")
					.contains("pipe-io.channels.comands: {}")
					.doesNotContain("writes to channel 'commands'")
					.doesNotContain("writes to channel 'echo'");
			});
	}

	private ApplicationContextRunner withoutIntegrationAutoConfiguration() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PipeIoAutoConfiguration.class, PipeIoIntegrationAutoConfiguration.class))
			.withPropertyValues("pipe-io.directory=" + this.directory);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserAdapters {

		final PipeChannelAdapters adapters;

		UserAdapters(PipeChannelRegistry registry, PipeOperations operations) {
			this.adapters = new PipeChannelAdapters(registry, operations);
		}

		@Bean
		PipeChannelAdapters userPipeChannelAdapters() {
			return this.adapters;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OutboundFlows {

		/** A typo: no such channel. */
		@Bean
		IntegrationFlow misspelt(PipeChannelAdapters pipes) {
			return (flow) -> flow.handle(pipes.outbound("comands"));
		}

		/** Declared, though not started. */
		@Bean
		IntegrationFlow declared(PipeChannelAdapters pipes) {
			return (flow) -> flow.handle(pipes.outbound("commands"));
		}

		/** Declared by the inbound adapter as it starts; the answers go back there. */
		@Bean
		IntegrationFlow echo(PipeChannelAdapters pipes) {
			return IntegrationFlow.from(pipes.inbound("echo")).handle(pipes.outbound("echo")).get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EchoFlow {

		/** No channel on the outbound adapter: the line's own channel header names it. */
		@Bean
		IntegrationFlow echo(PipeChannelRegistry registry, PipeOperations template) {
			return IntegrationFlow.from(PipeIo.inboundAdapter(registry, "echo"))
				.<String, String>transform(String::toUpperCase)
				.handle(PipeIo.outboundAdapter(template))
				.get();
		}

	}

}
