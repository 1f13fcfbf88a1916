package io.pipeio.listener;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import io.pipeio.annotation.PipeListener;
import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Signatures that look supported and are not fail startup, naming the fix; replies whose
 * declared type hides what they are are still sent as the README says.
 */
@Timeout(60)
class PipeListenerSignatureChecksTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class))
			.withPropertyValues("pipe-io.directory=" + this.directory);
	}

	@Test
	void aChannelParameterOfATypeTheChannelIsNotGivenAsFailsStartup() {
		runner().withUserConfiguration(PipeChannelParameter.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining(PipeChannelParameter.class.getName() + ".listen")
				.hasMessageContaining("takes a " + PipeChannel.class.getName())
				.hasMessageContaining("declare the parameter as PipeChannelContext");
		});
	}

	@Test
	void aReactiveReturnTypeFailsStartupNamingTheFix() {
		runner().withUserConfiguration(MonoReply.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining(MonoReply.class.getName() + ".listen")
				.hasMessageContaining("returns a " + Mono.class.getName())
				.hasMessageContaining("mono.toFuture()");
		});
	}

	@Test
	void anOptionalReturnedAsAnObjectIsItsValueOrNone() {
		runner().withUserConfiguration(OptionalAsObject.class).run((context) -> {
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "optional")) {
				client.send("skip 1");
				client.send("keep 2");
				assertThat(client.receive()).isEqualTo("keep 2");
			}
		});
	}

	@Test
	void aReplyThatCannotBeConvertedIsTheListenersFailureNotAMalformedLine() {
		runner().withUserConfiguration(UnconvertibleReply.class).run((context) -> {
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("unconvertible");
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "unconvertible")) {
				client.send("fine");
				await().until(() -> channel.getStatistics().getDroppedTotal() == 1);
			}
			assertThat(channel.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isOne();
			assertThat(channel.getStatistics().getDropped(DropReason.MALFORMED)).isZero();
		});
	}

	@Test
	void jsonLinesAreReadAndWrittenInTheChannelsCharset() {
		runner().withUserConfiguration(JsonInLatin1.class)
			.withPropertyValues("pipe-io.channels.latin.charset=ISO-8859-1")
			.run((context) -> {
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "latin")) {
					client.send("{\"name\":\"Jos\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
					assertThat(new String(client.receiveBytes(), StandardCharsets.ISO_8859_1))
						.isEqualTo("{\"name\":\"JOS\u00c9\"}");
				}
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class JsonInLatin1 {

		@PipeListener("latin")
		Person listen(Person person) {
			return new Person(person.name().toUpperCase(Locale.ROOT));
		}

	}

	record Person(String name) {
	}

	@Configuration(proxyBeanMethods = false)
	static class PipeChannelParameter {

		@PipeListener("channel")
		String listen(String line, PipeChannel channel) {
			return line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MonoReply {

		@PipeListener("mono")
		Mono<String> listen(String line) {
			return Mono.just(line);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OptionalAsObject {

		@PipeListener("optional")
		Object listen(String line) {
			return line.startsWith("skip") ? Optional.empty() : Optional.of(line);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnconvertibleReply {

		@PipeListener("unconvertible")
		Unconvertible listen(String line) {
			return new Unconvertible();
		}

	}

	/** Jackson calls the getter, which fails. */
	static class Unconvertible {

		public String getValue() {
			throw new IllegalStateException("no value");
		}

	}

}
