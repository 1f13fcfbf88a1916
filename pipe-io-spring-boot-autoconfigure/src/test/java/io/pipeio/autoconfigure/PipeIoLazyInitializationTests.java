package io.pipeio.autoconfigure;

import java.nio.file.Path;

import io.micrometer.core.instrument.MeterRegistry;
import io.pipeio.annotation.PipeListener;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code spring.main.lazy-initialization=true} (which adds a
 * {@link LazyInitializationBeanFactoryPostProcessor}), a bean nobody asks for is never
 * created: a {@code @PipeListener} bean must be all the same, as Spring Boot does for
 * {@code @Scheduled} beans, or its channel would serve no listener.
 */
@Timeout(60)
class PipeIoLazyInitializationTests {

	@TempDir
	Path directory;

	@Test
	void listenerBeansAreCreatedAndServeTheirChannels() {
		PipeIoContextRunners.withActuator(this.directory)
			.withBean(LazyInitializationBeanFactoryPostProcessor.class)
			.withPropertyValues("pipe-io.channels.upper.charset=UTF-8")
			.withUserConfiguration(Listeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				assertThat(registry.getRequiredChannel("upper").getListenerDescription()).contains("upper");
				assertThat(registry.getRequiredChannel("shout").getListenerDescription()).contains("shout");
				assertThat(PipeTestClient.request(this.directory, "upper", "a")).isEqualTo("A");
				assertThat(PipeTestClient.request(this.directory, "shout", "b")).isEqualTo("B!");
				assertThat(context.getBean(MeterRegistry.class)
					.find("pipeio.messages.received")
					.tag("channel", "upper")
					.meter()).isNotNull();
			});
	}

	@Test
	void aListenerBeanMarkedLazyItselfAttachesWhenFirstAskedFor() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withBean(LazyInitializationBeanFactoryPostProcessor.class)
			.withUserConfiguration(ExplicitlyLazy.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				assertThat(registry.getChannelNames()).doesNotContain("upper");
				context.getBean(UpperListener.class);
				assertThat(PipeTestClient.request(this.directory, "upper", "c")).isEqualTo("C");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class ExplicitlyLazy {

		@Bean
		@Lazy
		UpperListener upperListener() {
			return new UpperListener();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@Bean
		UpperListener upperListener() {
			return new UpperListener();
		}

		@Bean
		ShoutListener shoutListener() {
			return new ShoutListener();
		}

	}

	static class UpperListener {

		@PipeListener("upper")
		String upper(String line) {
			return line.toUpperCase();
		}

	}

	static class ShoutListener {

		@PipeListener("shout")
		String shout(String line) {
			return line.toUpperCase() + "!";
		}

	}

}
