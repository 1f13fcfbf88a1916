package io.pipeio.integration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.integration.dsl.PipeChannelAdapters;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.RecordingErrorHandler;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.kafka.dsl.Kafka;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A bridge between pipe-io channels and a real Kafka broker running in the JVM, in both
 * directions, with nothing but the adapters and Spring Integration's Kafka support: every
 * line arrives once and in order, and when the broker goes away the failures are counted
 * and reported while the channel keeps serving.
 * <p>
 * The clients at the pipe end are other processes ({@code bash}), as in production. Waits
 * are generous: the machine may be loaded, and nothing here measures speed.
 */
@Timeout(600)
class KafkaBridgeTests {

	private static final int LINES = 10_000;

	private static final String READINGS = "sensor-readings";

	private static final String COMMANDS = "commands";

	private static final Duration LONG = Duration.ofMinutes(5);

	private static EmbeddedKafkaBroker broker;

	@TempDir
	Path directory;

	@BeforeAll
	static void startBroker() {
		broker = new EmbeddedKafkaKraftBroker(1, 1, READINGS, COMMANDS);
		broker.afterPropertiesSet();
	}

	@AfterAll
	static void stopBroker() {
		broker.destroy();
	}

	private ApplicationContextRunner runner(EmbeddedKafkaBroker kafka) {
		return IntegrationContextRunners.withDirectory(this.directory)
			.withUserConfiguration(KafkaBridge.class)
			// The channel the Kafka records go to only sends: it is declared in
			// configuration.
			.withPropertyValues("test.kafka.brokers=" + kafka.getBrokersAsString(),
					"pipe-io.channels.commands.charset=UTF-8");
	}

	@Test
	void linesWrittenToAPipeReachAKafkaConsumerOnceAndInOrder() throws Exception {
		runner(broker).run((context) -> {
			assertThat(context).hasNotFailed();
			Process writer = bash("printf 'reading %d\\n' $(seq 0 " + (LINES - 1) + ") > \"$1\"",
					this.directory.resolve("sensor.in"));
			List<String> consumed = consume(broker, READINGS, LINES);
			assertThat(writer.waitFor(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
			assertThat(writer.exitValue()).isZero();
			assertThat(consumed).containsExactlyElementsOf(expected("reading "));
			PipeChannel sensor = context.getBean(PipeChannelRegistry.class).getRequiredChannel("sensor");
			assertThat(sensor.getStatistics().getDroppedTotal()).isZero();
		});
	}

	@Test
	void recordsOfAKafkaTopicReachAPipeReaderOnceAndInOrder() throws Exception {
		runner(broker).run((context) -> {
			assertThat(context).hasNotFailed();
			Path received = this.directory.resolve("received.txt");
			Process reader = bash("head -n " + LINES + " < \"$1\" > \"$2\"", this.directory.resolve("commands.out"),
					received);
			try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties(broker))) {
				for (String command : expected("command ")) {
					producer.send(new ProducerRecord<>(COMMANDS, command));
				}
			}
			assertThat(reader.waitFor(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
			assertThat(reader.exitValue()).isZero();
			assertThat(Files.readAllLines(received, StandardCharsets.UTF_8))
				.containsExactlyElementsOf(expected("command "));
			PipeChannel commands = context.getBean(PipeChannelRegistry.class).getRequiredChannel("commands");
			assertThat(commands.getStatistics().getDroppedTotal()).as(() -> dropped(commands)).isZero();
		});
	}

	@Test
	void whenTheBrokerStopsEachLostLineIsCountedAndReportedAndTheChannelKeepsServing() {
		EmbeddedKafkaBroker doomed = new EmbeddedKafkaKraftBroker(1, 1, READINGS, COMMANDS);
		doomed.afterPropertiesSet();
		AtomicBoolean brokerRunning = new AtomicBoolean(true);
		RecordingErrorHandler errors = new RecordingErrorHandler(
				(failure) -> "not forwarded (" + failure.getReason().tag() + ")");
		try {
			runner(doomed).withBean("pipeErrorHandler", PipeErrorHandler.class, () -> errors)
				// Give up on a record within seconds once the broker is gone, rather than
				// Kafka's two minutes.
				.withPropertyValues("test.kafka.delivery-timeout=3000")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					PipeChannel sensor = context.getBean(PipeChannelRegistry.class).getRequiredChannel("sensor");
					try (PipeTestClient client = PipeTestClient.connect(this.directory, "sensor")) {
						client.send("before 1");
						client.send("before 2");
						assertThat(consume(doomed, READINGS, 2)).containsExactly("before 1", "before 2");
						doomed.destroy();
						brokerRunning.set(false);
						client.send("after 1");
						client.send("after 2");
						client.send("after 3");
						// Kafka gives up on each line after the delivery timeout, one
						// line after the other.
						await().atMost(LONG)
							.until(() -> sensor.getStatistics().getDropped(DropReason.HANDLER_ERROR) >= 3);
						// Each failure is reported to the error handler, whose reply the
						// client reads.
						for (int i = 1; i <= 3; i++) {
							assertThat(new String(errors.next().getLine(), StandardCharsets.UTF_8))
								.isEqualTo("after " + i);
							assertThat(client.receive(LONG)).isEqualTo("not forwarded (handler-error)");
						}
						assertThat(sensor.getStatistics().getLastError()).isNotNull();
						assertThat(sensor.isRunning()).isTrue();
						assertThat(errors.size()).isZero();
						assertThat(sensor.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isEqualTo(3);
					}
				});
		}
		finally {
			if (brokerRunning.get()) {
				doomed.destroy();
			}
		}
	}

	private static String dropped(PipeChannel channel) {
		StringBuilder reasons = new StringBuilder("dropped:");
		for (DropReason reason : DropReason.values()) {
			reasons.append(' ').append(reason.tag()).append('=').append(channel.getStatistics().getDropped(reason));
		}
		return reasons.toString();
	}

	private static List<String> expected(String prefix) {
		return IntStream.range(0, LINES).mapToObj((i) -> prefix + i).toList();
	}

	private static List<String> consume(EmbeddedKafkaBroker kafka, String topic, int count) {
		Map<String, Object> properties = new HashMap<>();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
		properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		List<String> values = new ArrayList<>(count);
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
			TopicPartition partition = new TopicPartition(topic, 0);
			consumer.assign(List.of(partition));
			consumer.seekToBeginning(List.of(partition));
			// Reads past the expected count for a moment at the end, so a duplicate would
			// show.
			await().atMost(LONG).until(() -> {
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
					values.add(record.value());
				}
				return values.size() >= count;
			});
			consumer.poll(Duration.ofMillis(500)).forEach((record) -> values.add(record.value()));
		}
		return values;
	}

	private static Map<String, Object> producerProperties(EmbeddedKafkaBroker kafka) {
		Map<String, Object> properties = new HashMap<>();
		properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
		properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		return properties;
	}

	private static Process bash(String script, Path... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of("bash", "-c", script, "bash"));
		for (Path argument : arguments) {
			command.add(argument.toString());
		}
		return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
	}

	/** Both directions of the bridge, as an application would declare them. */
	@Configuration(proxyBeanMethods = false)
	static class KafkaBridge {

		@Bean
		ProducerFactory<String, String> producerFactory(Environment environment) {
			Map<String, Object> properties = producerProperties(environment);
			Integer deliveryTimeout = environment.getProperty("test.kafka.delivery-timeout", Integer.class);
			if (deliveryTimeout != null) {
				properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeout);
				properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, deliveryTimeout / 2);
				properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryTimeout);
			}
			return new DefaultKafkaProducerFactory<>(properties);
		}

		@Bean
		KafkaTemplate<String, String> kafkaTemplate(ProducerFactory<String, String> producerFactory) {
			return new KafkaTemplate<>(producerFactory);
		}

		@Bean
		ConsumerFactory<String, String> consumerFactory(Environment environment) {
			Map<String, Object> properties = new HashMap<>();
			properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
					environment.getRequiredProperty("test.kafka.brokers"));
			// A group of its own per context: no test starts from offsets another one
			// committed.
			properties.put(ConsumerConfig.GROUP_ID_CONFIG, "pipe-bridge-" + UUID.randomUUID());
			properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
			properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
			properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
			return new DefaultKafkaConsumerFactory<>(properties);
		}

		/**
		 * pipe in → Kafka: each line is one record, sent before the next line is read.
		 */
		@Bean
		IntegrationFlow pipeToKafka(PipeChannelAdapters pipes, KafkaTemplate<String, String> kafkaTemplate) {
			return IntegrationFlow.from(pipes.inbound("sensor"))
				.handle(Kafka.outboundChannelAdapter(kafkaTemplate).topic(READINGS).sync(true))
				.get();
		}

		/** Kafka → pipe out: each record is one line. */
		@Bean
		IntegrationFlow kafkaToPipe(PipeChannelAdapters pipes, ConsumerFactory<String, String> consumerFactory) {
			// stops before the channels it feeds (phase Integer.MAX_VALUE - 4096)
			return IntegrationFlow
				.from(Kafka.messageDrivenChannelAdapter(consumerFactory, COMMANDS).phase(Integer.MAX_VALUE - 50))
				.handle(pipes.outbound("commands"))
				.get();
		}

		private static Map<String, Object> producerProperties(Environment environment) {
			Map<String, Object> properties = new HashMap<>();
			properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
					environment.getRequiredProperty("test.kafka.brokers"));
			properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
			properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
			// Each line waits for its record to be acknowledged: do not wait for more
			// records to batch.
			properties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
			return properties;
		}

	}

}
