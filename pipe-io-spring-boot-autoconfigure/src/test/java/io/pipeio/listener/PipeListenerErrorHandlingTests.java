package io.pipeio.listener;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import io.pipeio.annotation.PipeListener;
import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.converter.PipeMessageConversionException;
import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.core.PipeListenerFailedException;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.RecordingErrorHandler;
import io.pipeio.testsupport.ShellClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Lines a listener cannot handle go to a {@link PipeErrorHandler} with the right reason,
 * are counted, and the channel keeps serving the next line.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class PipeListenerErrorHandlingTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class))
			.withUserConfiguration(FailingListeners.class)
			.withBean("pipeErrorHandler", PipeErrorHandler.class, RecordingErrorHandler::new)
			.withPropertyValues("pipe-io.directory=" + this.directory);
	}

	private static RecordingErrorHandler errors(org.springframework.context.ApplicationContext context) {
		return (RecordingErrorHandler) context.getBean("pipeErrorHandler");
	}

	@Test
	void malformedUtf8IsAnErrorAndTheChannelKeepsServing() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "text")) {
				// A shell client writes bytes that are not UTF-8, then a good line.
				ShellClient.run("printf 'bad \\xff\\xfe line\\nnext\\n' > '" + this.directory.resolve("text.in") + "'");
				PipeListenerFailedException failure = errors(context).next();
				assertThat(failure.getReason()).isEqualTo(DropReason.MALFORMED);
				assertThat(failure.getChannel()).isEqualTo("text");
				assertThat(failure.getCause()).isInstanceOf(PipeMessageConversionException.class)
					.hasMessageContaining("UTF-8");
				assertThat(failure.getLine())
					.containsExactly("bad \u00ff\u00fe line".getBytes(StandardCharsets.ISO_8859_1));
				assertThat(client.receive()).isEqualTo("text:next");
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("text");
				assertThat(channel.getStatistics().getDropped(DropReason.MALFORMED)).isEqualTo(1);
				assertThat(context.getBean(FailingListeners.class).texts).containsExactly("next");
			}
		});
	}

	@Test
	void truncatedMultiByteSequenceIsMalformed() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "text")) {
				client.send(new byte[] { 'a', (byte) 0xc3 }); // first byte of 'é' only
				client.send("ok");
				assertThat(errors(context).next().getReason()).isEqualTo(DropReason.MALFORMED);
				assertThat(client.receive()).isEqualTo("text:ok");
			}
		});
	}

	@Test
	void unmappableInputIsAnErrorNotAReplacement() {
		runner().withPropertyValues("pipe-io.channels.ascii.charset=US-ASCII").run((context) -> {
			assertThat(context).hasNotFailed();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "ascii")) {
				client.send(new byte[] { 'a', (byte) 0xe9 });
				client.send("plain");
				assertThat(errors(context).next().getReason()).isEqualTo(DropReason.MALFORMED);
				assertThat(client.receive()).isEqualTo("ascii:plain");
			}
		});
	}

	@Test
	void invalidJsonIsMalformed() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "json")) {
				client.send("{not json");
				client.send("null");
				client.send("{\"a\":\"x\"}");
				client.send("{\"a\":7}");
				for (int i = 0; i < 3; i++) {
					PipeListenerFailedException failure = errors(context).next();
					assertThat(failure.getReason()).isEqualTo(DropReason.MALFORMED);
					assertThat(failure.getCause()).isInstanceOf(PipeMessageConversionException.class);
				}
				assertThat(client.receive()).isEqualTo("7");
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("json");
				assertThat(channel.getStatistics().getDropped(DropReason.MALFORMED)).isEqualTo(3);
			}
		});
	}

	@Test
	void exceptionInTheMethodIsAHandlerError() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "failing")) {
				client.send("boom");
				client.send("fine");
				PipeListenerFailedException failure = errors(context).next();
				assertThat(failure.getReason()).isEqualTo(DropReason.HANDLER_ERROR);
				assertThat(failure.getCause()).isInstanceOf(IllegalArgumentException.class).hasMessage("boom!");
				assertThat(failure.getLine()).containsExactly("boom".getBytes(StandardCharsets.UTF_8));
				assertThat(client.receive()).isEqualTo("fine");
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("failing");
				assertThat(channel.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isEqualTo(1);
				assertThat(channel.isRunning()).isTrue();
			}
		});
	}

	@Test
	void perListenerErrorHandlerRepliesAndTheDefaultIsNotCalled() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "guarded")) {
				client.send("{\"a\":\"oops\"}");
				assertThat(client.receive()).startsWith("{\"error\":\"malformed");
				client.send("{\"a\":-1}");
				assertThat(client.receive()).isEqualTo("{\"error\":\"handler-error: negative\"}");
				client.send("{\"a\":2}");
				assertThat(client.receive()).isEqualTo("2");
				assertThat(errors(context).size()).isZero();
			}
		});
	}

	@Test
	void errorHandlerThatThrowsDoesNotStopTheChannel() {
		runner().withUserConfiguration(CarelessListener.class).run((context) -> {
			assertThat(context).hasNotFailed();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "careless")) {
				client.send("boom");
				client.send("fine");
				assertThat(client.receive()).isEqualTo("fine");
			}
		});
	}

	@Test
	void defaultErrorHandlerLogsChannelAndTruncatedPreview(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class))
			.withUserConfiguration(FailingListeners.class)
			.withPropertyValues("pipe-io.directory=" + this.directory)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "failing")) {
					String longLine = "boom" + "x".repeat(300) + "TAIL";
					client.send(longLine);
					client.send("fine");
					assertThat(client.receive()).isEqualTo("fine");
					await().until(() -> output.toString().contains("Channel 'failing' dropped a line"));
					String log = output.toString();
					assertThat(log).contains("WARN")
						.contains("handler-error")
						.contains("\"boom" + "x".repeat(116) + "\"...")
						.contains("boom!")
						.doesNotContain("TAIL");
					PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("failing");
					assertThat(channel.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isEqualTo(1);
				}
			});
	}

	@Test
	void aFloodOfBadLinesIsCountedLineByLineButWarnedOfOnlyTenTimes(CapturedOutput output) {
		// 1,000 lines of 3 bytes each: a warning for each would be 200 times the input.
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class))
			.withUserConfiguration(FailingListeners.class)
			.withPropertyValues("pipe-io.directory=" + this.directory)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "text")) {
					ShellClient
						.run("for i in $(seq 1000); do printf 'x\\xff\\n'; done > '" + this.directory.resolve("text.in")
								+ "'; printf 'after\\n' > '" + this.directory.resolve("text.in") + "'");
					assertThat(client.receive()).isEqualTo("text:after");
					PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("text");
					await().until(() -> channel.getStatistics().getDropped(DropReason.MALFORMED) == 1000);
					assertThat(output.toString()
						.lines()
						.filter((line) -> line.contains("WARN") && line.contains("Channel 'text' dropped a line"))
						.toList()).hasSize(10)
						.last()
						.asString()
						.contains("[more malformed warnings of this channel within 10 s are logged at debug level"
								+ " only; every line is counted in pipeio.messages.dropped]");
				}
			});
	}

	@Test
	void replyContainingANewlineIsNotWrittenAsTwoLines() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "text")) {
				client.send("split\nme");
				assertThat(client.receive()).isEqualTo("text:me");
				assertThat(errors(context).next().getReason()).isEqualTo(DropReason.HANDLER_ERROR);
			}
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class FailingListeners {

		final java.util.List<String> texts = new java.util.concurrent.CopyOnWriteArrayList<>();

		@PipeListener("text")
		String text(String line) {
			this.texts.add(line);
			return "text:" + (line.equals("split") ? "a\nb" : line);
		}

		@PipeListener("ascii")
		String ascii(String line) {
			return "ascii:" + line;
		}

		@PipeListener("json")
		String json(Amount amount) {
			return String.valueOf(amount.a());
		}

		@PipeListener("failing")
		String failing(String line) {
			if (line.startsWith("boom")) {
				throw new IllegalArgumentException("boom!");
			}
			return line;
		}

		@PipeListener(value = "guarded", errorHandler = "guardHandler")
		String guarded(Amount amount) {
			if (amount.a() < 0) {
				throw new IllegalArgumentException("negative");
			}
			return String.valueOf(amount.a());
		}

		@Bean
		static PipeErrorHandler guardHandler() {
			return (exception, context) -> Map.of("error",
					exception.getReason().tag() + ": " + exception.getCause().getMessage());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CarelessListener {

		@PipeListener(value = "careless", errorHandler = "throwingHandler")
		String careless(String line) {
			if (line.startsWith("boom")) {
				throw new IllegalArgumentException("boom!");
			}
			return line;
		}

		@Bean
		static PipeErrorHandler throwingHandler() {
			return (exception, context) -> {
				throw new IllegalStateException("handler broke");
			};
		}

	}

	/**
	 * A JSON request.
	 *
	 * @param a the amount
	 */
	public record Amount(int a) {
	}

}
