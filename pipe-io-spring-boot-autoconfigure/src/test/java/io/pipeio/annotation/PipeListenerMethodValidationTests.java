package io.pipeio.annotation;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import jakarta.validation.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.annotation.Validated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code @PipeListener} on a {@code @Validated} bean is called through the proxy that
 * Boot's method validation puts around it, so its constraints hold for every line.
 */
@Timeout(60)
class PipeListenerMethodValidationTests {

	@TempDir
	Path directory;

	@Test
	void aListenerOnAValidatedBeanIsCalledThroughItsValidationProxy() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
			.withUserConfiguration(ShortLinesConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ShortLines listener = context.getBean(ShortLines.class);
				assertThat(AopUtils.isAopProxy(listener)).isTrue();
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("short");
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "short")) {
					client.send("far too long");
					client.send("fine");
					assertThat(client.receive()).isEqualTo("FINE");
				}
				// the proxy refused the long line before the method saw it
				assertThat(listener.seen()).containsExactly("fine");
				await().until(() -> channel.getStatistics().getDropped(DropReason.HANDLER_ERROR) == 1);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class ShortLinesConfiguration {

		@Bean
		ShortLines shortLines() {
			return new ShortLines();
		}

	}

	@Validated
	static class ShortLines {

		private final List<String> seen = new CopyOnWriteArrayList<>();

		@PipeListener("short")
		public String upperCase(@Size(max = 5) String line) {
			this.seen.add(line);
			return line.toUpperCase();
		}

		public List<String> seen() {
			return this.seen;
		}

	}

}
