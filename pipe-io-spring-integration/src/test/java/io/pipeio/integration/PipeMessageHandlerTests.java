package io.pipeio.integration;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.pipeio.converter.JacksonPipeMessageConverter;
import io.pipeio.converter.PipeMessageConversionException;
import io.pipeio.converter.SimplePipeMessageConverter;
import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.integration.dsl.PipeChannelAdapters;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeSendException;
import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandlingException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Messages sent into a flow ending in a {@link PipeMessageHandler} are read back as lines
 * from the channel's out pipe by a client.
 */
@Timeout(60)
class PipeMessageHandlerTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return IntegrationContextRunners.withDirectory(this.directory)
			.withUserConfiguration(OutboundFlows.class)
			.withPropertyValues("pipe-io.channels.commands.charset=ISO-8859-1", "pipe-io.channels.other.charset=UTF-8");
	}

	@Test
	void textBytesAndObjectsAreWrittenAsLines() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "commands")) {
				byte[] raw = { 0, (byte) 0xff, '\r', 'z' };
				send(context, "toCommands", "café");
				send(context, "toCommands", raw);
				send(context, "toCommands", Map.of("valve", 3));
				assertThat(client.receiveBytes()).containsExactly('c', 'a', 'f', (byte) 0xe9);
				assertThat(client.receiveBytes()).containsExactly(raw);
				assertThat(client.receive()).isEqualTo("{\"valve\":3}");
			}
		});
	}

	@Test
	void objectsGoThroughTheConverterOfTheAdapterWhenItHasOne() {
		runner().run((context) -> {
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "commands")) {
				send(context, "toCommandsConverted", new Valve(7));
				assertThat(client.receive()).isEqualTo("valve 7");
				assertThatExceptionOfType(MessageHandlingException.class)
					.isThrownBy(() -> send(context, "toCommandsConverted", new Valve(-1)))
					.withMessageContaining("newline at index 5");
				send(context, "toCommandsConverted", new Valve(8));
				assertThat(client.receive()).isEqualTo("valve 8");
			}
		});
	}

	@Test
	void theConverterOfTheAdapterWritesInTheChannelsCharset() {
		runner().run((context) -> {
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "commands")) {
				send(context, "toCommandsJson", Map.of("v", "é"));
				// ISO-8859-1: é is one byte, 0xe9
				assertThat(client.receiveBytes()).containsExactly('{', '"', 'v', '"', ':', '"', (byte) 0xe9, '"', '}');
			}
		});
	}

	@Test
	void withoutAFixedChannelTheHeaderNamesIt() {
		runner().run((context) -> {
			try (PipeTestClient commands = PipeTestClient.connect(this.directory, "commands");
					PipeTestClient other = PipeTestClient.connect(this.directory, "other")) {
				input(context, "toAny")
					.send(MessageBuilder.withPayload("to other").setHeader(PipeIoHeaders.CHANNEL, "other").build());
				input(context, "toAny").send(
						MessageBuilder.withPayload("to commands").setHeader(PipeIoHeaders.CHANNEL, "commands").build());
				assertThat(other.receive()).isEqualTo("to other");
				assertThat(commands.receive()).isEqualTo("to commands");
				assertThatExceptionOfType(MessageHandlingException.class)
					.isThrownBy(() -> send(context, "toAny", "nowhere"))
					.withMessageContaining("'" + PipeIoHeaders.CHANNEL + "'");
				assertThatExceptionOfType(MessageHandlingException.class)
					.isThrownBy(() -> input(context, "toAny")
						.send(MessageBuilder.withPayload("x").setHeader(PipeIoHeaders.CHANNEL, "unknown").build()))
					.withRootCauseInstanceOf(IllegalArgumentException.class)
					.withStackTraceContaining("No channel named 'unknown'");
			}
		});
	}

	@Test
	void aPayloadWithANewlineIsAnErrorAndTheStreamStaysIntact() {
		runner().run((context) -> {
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "commands")) {
				send(context, "toCommands", "first");
				assertThatExceptionOfType(MessageHandlingException.class)
					.isThrownBy(() -> send(context, "toCommands", "two\nlines"))
					.withMessageContaining("'commands'")
					.withMessageContaining("newline at index 3");
				assertThatExceptionOfType(MessageHandlingException.class)
					.isThrownBy(() -> send(context, "toCommands", "x\n".getBytes(StandardCharsets.UTF_8)))
					.withMessageContaining("newline at index 1");
				send(context, "toCommands", "last");
				assertThat(client.receive()).isEqualTo("first");
				assertThat(client.receive()).isEqualTo("last");
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("commands");
				// Counted once the write returned, which may be a moment after the client
				// read it.
				await().untilAsserted(() -> assertThat(channel.getStatistics().getSentMessages()).isEqualTo(2));
			}
		});
	}

	@Test
	void withoutAConverterForAnObjectTheMessageFails() {
		runner().withBean(SimplePipeMessageConverter.class, SimplePipeMessageConverter::new).run((context) -> {
			assertThatExceptionOfType(MessageHandlingException.class)
				.isThrownBy(() -> send(context, "toCommands", new Valve(1)))
				.withCauseInstanceOf(PipeMessageConversionException.class);
		});
	}

	@Test
	void aFullQueueThatDropsCountsEveryLineItDrops() {
		int total = 5_000;
		runner()
			.withPropertyValues("pipe-io.channels.commands.overflow=drop-newest",
					"pipe-io.channels.commands.send-queue-capacity=16")
			.run((context) -> {
				// Nobody reads yet: the kernel buffer fills, then the queue, then lines
				// are dropped.
				for (int i = 0; i < total; i++) {
					send(context, "toCommands", String.format("%05d %s", i, "x".repeat(90)));
				}
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("commands");
				long dropped = channel.getStatistics().getDropped(DropReason.QUEUE_FULL);
				assertThat(dropped).isPositive();
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "commands")) {
					await().atMost(Duration.ofSeconds(30))
						.until(() -> channel.getStatistics().getSentMessages() == total - dropped);
					List<Integer> read = new ArrayList<>();
					for (long i = 0; i < total - dropped; i++) {
						read.add(Integer.parseInt(client.receive().substring(0, 5)));
					}
					assertThat(read).isSorted().doesNotHaveDuplicates();
				}
			});
	}

	@Test
	void aFullQueueThatFailsFailsTheMessage() {
		// Nobody ever reads: the short shutdown phase keeps the stop from waiting long
		// for the queue.
		runner().withPropertyValues("pipe-io.channels.commands.overflow=fail",
				"pipe-io.channels.commands.send-queue-capacity=16", "spring.lifecycle.timeout-per-shutdown-phase=1s")
			.run((context) -> {
				assertThatExceptionOfType(MessageHandlingException.class).isThrownBy(() -> {
					for (int i = 0; i < 5_000; i++) {
						send(context, "toCommands", "x".repeat(100));
					}
				}).withCauseInstanceOf(PipeSendException.class);
			});
	}

	private static void send(ApplicationContext context, String input, Object payload) {
		input(context, input).send(MessageBuilder.withPayload(payload).build());
	}

	private static MessageChannel input(ApplicationContext context, String name) {
		return context.getBean(name, MessageChannel.class);
	}

	record Valve(int number) {
	}

	@Configuration(proxyBeanMethods = false)
	static class OutboundFlows {

		@Bean
		IntegrationFlow commandsFlow(PipeChannelAdapters pipes) {
			return IntegrationFlow.from("toCommands").handle(pipes.outbound("commands")).get();
		}

		@Bean
		IntegrationFlow convertedFlow(PipeChannelAdapters pipes) {
			return IntegrationFlow.from("toCommandsConverted")
				.handle(pipes.outbound("commands").converter(new ValveConverter()))
				.get();
		}

		@Bean
		IntegrationFlow commandsJsonFlow(PipeChannelAdapters pipes) {
			return IntegrationFlow.from("toCommandsJson")
				.handle(pipes.outbound("commands")
					.converter(new JacksonPipeMessageConverter(JsonMapper.builder().build())))
				.get();
		}

		@Bean
		IntegrationFlow anyFlow(PipeChannelAdapters pipes) {
			return IntegrationFlow.from("toAny").handle(pipes.outbound()).get();
		}

	}

	/**
	 * Writes a valve as {@code valve <n>}; a negative one as two lines, which the handler
	 * refuses.
	 */
	static class ValveConverter extends SimplePipeMessageConverter {

		@Override
		public byte[] toLine(Object payload) {
			int number = ((Valve) payload).number();
			String line = (number < 0) ? "valve\nclosed" : "valve " + number;
			return line.getBytes(StandardCharsets.UTF_8);
		}

	}

}
