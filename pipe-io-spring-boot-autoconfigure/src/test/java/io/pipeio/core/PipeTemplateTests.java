package io.pipeio.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.converter.PipeMessageConversionException;
import io.pipeio.server.PipeSendException;
import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Every {@link PipeTemplate} method, read back from the out pipe by a client.
 */
@Timeout(60)
class PipeTemplateTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class))
			.withPropertyValues("pipe-io.directory=" + this.directory, "pipe-io.channels.news.max-message-size=1KB",
					"pipe-io.channels.latin.charset=ISO-8859-1", "pipe-io.channels.idle.auto-startup=false");
	}

	@Test
	void sendText() {
		runner().run((context) -> {
			PipeOperations template = context.getBean(PipeOperations.class);
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "news")) {
				template.send("news", "grüße");
				assertThat(client.receiveBytes()).containsExactly("grüße".getBytes(StandardCharsets.UTF_8));
			}
		});
	}

	@Test
	void sendTextUsesTheChannelCharset() {
		runner().run((context) -> {
			PipeOperations template = context.getBean(PipeOperations.class);
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "latin")) {
				template.send("latin", "café");
				assertThat(client.receiveBytes()).containsExactly('c', 'a', 'f', (byte) 0xe9);
			}
		});
	}

	@Test
	void textTheCharsetCannotWriteIsRefusedNotWrittenWithQuestionMarks() {
		runner().run((context) -> {
			PipeOperations template = context.getBean(PipeOperations.class);
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "latin")) {
				assertThatIllegalArgumentException().isThrownBy(() -> template.send("latin", "naïve ☃"))
					.withMessageContaining("channel 'latin'")
					.withMessageContaining("ISO-8859-1");
				// a line's own question marks are its own
				template.send("latin", "why? ¿por qué?");
				assertThat(client.receiveBytes())
					.containsExactly("why? ¿por qué?".getBytes(StandardCharsets.ISO_8859_1));
			}
		});
	}

	@Test
	void sendBytes() {
		runner().run((context) -> {
			PipeOperations template = context.getBean(PipeOperations.class);
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "news")) {
				byte[] raw = { 0, (byte) 0xff, '\r', 'z' };
				template.send("news", raw);
				template.send("news", new byte[0]);
				assertThat(client.receiveBytes()).containsExactly(raw);
				assertThat(client.receiveBytes()).isEmpty();
			}
		});
	}

	@Test
	void convertAndSendWritesOneJsonLine() {
		runner().run((context) -> {
			PipeOperations template = context.getBean(PipeOperations.class);
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "news")) {
				template.convertAndSend("news", new Headline("multi\nline", List.of(1, 2)));
				template.convertAndSend("news", Map.of("k", "v"));
				assertThat(client.receive()).isEqualTo("{\"title\":\"multi\\nline\",\"ids\":[1,2]}");
				assertThat(client.receive()).isEqualTo("{\"k\":\"v\"}");
			}
		});
	}

	@Test
	void convertAndSendWithoutJacksonSaysWhatIsMissing() {
		runner().withClassLoader(new FilteredClassLoader(JsonMapper.class)).run((context) -> {
			PipeOperations template = context.getBean(PipeOperations.class);
			assertThatExceptionOfType(PipeMessageConversionException.class)
				.isThrownBy(() -> template.convertAndSend("news", new Headline("t", List.of())))
				.withMessageContaining("Jackson 3");
		});
	}

	@Test
	void sendAsyncCompletesOnceTheLineIsWritten() {
		runner().run((context) -> {
			PipeOperations template = context.getBean(PipeOperations.class);
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("news");
			// Nobody reads yet: about 200 KB fill the 64 KiB pipe and block the writer.
			String filler = "f".repeat(1000);
			for (int i = 0; i < 200; i++) {
				template.send("news", filler);
			}
			CompletableFuture<Void> text = template.sendAsync("news", "last text");
			CompletableFuture<Void> bytes = template.sendAsync("news", "last bytes".getBytes(StandardCharsets.UTF_8));
			await().during(Duration.ofMillis(300))
				.atMost(Duration.ofSeconds(2))
				.until(() -> !text.isDone() && !bytes.isDone());
			assertThat(channel.getStatistics().getSentMessages()).isLessThan(202);
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "news")) {
				assertThat(client.receiveLines(200)).allMatch(filler::equals);
				assertThat(client.receive()).isEqualTo("last text");
				assertThat(client.receive()).isEqualTo("last bytes");
				text.get(10, TimeUnit.SECONDS);
				bytes.get(10, TimeUnit.SECONDS);
			}
		});
	}

	@Test
	void sendAsyncToAStoppedChannelFails() {
		runner().run((context) -> {
			PipeOperations template = context.getBean(PipeOperations.class);
			CompletableFuture<Void> future = template.sendAsync("idle", "nobody");
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(5, TimeUnit.SECONDS))
				.withCauseInstanceOf(PipeSendException.class)
				.withMessageContaining("'idle' is not running");
			assertThatExceptionOfType(PipeSendException.class).isThrownBy(() -> template.send("idle", "x"))
				.withMessageContaining("'idle' is not running");
		});
	}

	@Test
	void unknownChannelIsRejectedListingTheKnownOnes() {
		runner().run((context) -> {
			PipeOperations template = context.getBean(PipeOperations.class);
			String known = "known channels: [idle, latin, news]";
			assertThatIllegalArgumentException().isThrownBy(() -> template.send("nope", "x"))
				.withMessageContaining("'nope'")
				.withMessageContaining(known);
			assertThatIllegalArgumentException().isThrownBy(() -> template.send("nope", new byte[1]))
				.withMessageContaining(known);
			assertThatIllegalArgumentException().isThrownBy(() -> template.convertAndSend("nope", Map.of()))
				.withMessageContaining(known);
			assertThatIllegalArgumentException().isThrownBy(() -> template.sendAsync("nope", "x"))
				.withMessageContaining(known);
			assertThatIllegalArgumentException().isThrownBy(() -> template.sendAsync("nope", new byte[1]))
				.withMessageContaining(known);
		});
	}

	@Test
	void lineWithANewlineIsRejected() {
		runner().run((context) -> {
			PipeOperations template = context.getBean(PipeOperations.class);
			assertThatIllegalArgumentException().isThrownBy(() -> template.send("news", "two\nlines"))
				.withMessageContaining("must not contain");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> template.sendAsync("news", "a\nb".getBytes(StandardCharsets.UTF_8)))
				.withMessageContaining("must not contain");
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "news")) {
				template.send("news", "after");
				assertThat(client.receive()).isEqualTo("after");
			}
		});
	}

	/**
	 * A payload converted to JSON.
	 *
	 * @param title the title
	 * @param ids some numbers
	 */
	public record Headline(String title, List<Integer> ids) {
	}

}
