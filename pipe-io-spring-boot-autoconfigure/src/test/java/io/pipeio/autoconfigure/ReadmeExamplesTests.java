package io.pipeio.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.pipeio.annotation.PipeListener;
import io.pipeio.core.PipeChannelContext;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeChannelSettings;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.core.PipeTemplate;
import io.pipeio.plugin.PluginSettings;
import io.pipeio.plugin.RestartPolicy;
import io.pipeio.server.PipeEngine;
import io.pipeio.server.PipeServerSettings;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.annotation.Bean;
import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java examples of README.md and docs/plugins.md, in their shape (package-private
 * classes and methods, the same calls), run against real FIFOs: a change of the API that
 * breaks one fails to compile here, and a change of behaviour fails a test.
 */
@Timeout(120)
class ReadmeExamplesTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path directory;

	@Test
	void tenLines() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(Upper.class)
			.run((context) -> assertThat(PipeTestClient.request(this.directory, "upper", "hello")).isEqualTo("HELLO"));
	}

	@Test
	void listenerSignatures() {
		PipeIoContextRunners.withDirectory(this.directory).withUserConfiguration(Listeners.class).run((context) -> {
			assertThat(PipeTestClient.request(this.directory, "echo", "a\rb")).isEqualTo("a\rb");
			assertThat(PipeTestClient.request(this.directory, "upper", "grüße")).isEqualTo("GRÜSSE");
			assertThat(PipeTestClient.request(this.directory, "calc", "{\"a\":1,\"b\":2}")).isEqualTo("{\"sum\":3}");
			assertThat(PipeTestClient.request(this.directory, "calc", "not json"))
				.isEqualTo("{\"error\":\"malformed\"}");
			assertThat(PipeTestClient.request(this.directory, "jobs", "j1")).isEqualTo("done j1");
		});
	}

	@Test
	void sending() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.events.auto-startup=true")
			.run((context) -> {
				PipeTemplate pipeTemplate = context.getBean(PipeTemplate.class);
				byte[] bytes = "raw".getBytes(StandardCharsets.UTF_8);
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "events")) {
					pipeTemplate.send("events", "started"); // String, channel charset
					pipeTemplate.send("events", bytes); // byte[]
					pipeTemplate.convertAndSend("events", new Event("ready")); // one JSON
																				// line
					pipeTemplate.sendAsync("events", "done").join(); // completes once
																		// written
					assertThat(client.receiveLines(4)).containsExactly("started", "raw", "{\"name\":\"ready\"}",
							"done");
				}
			});
	}

	@Test
	void channelsAtRuntime() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.engine=threads")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannelSettingsFactory settingsFactory = context.getBean(PipeChannelSettingsFactory.class);
				Path dir = this.directory;
				registry.register("plugin-41", settingsFactory.createDefault("plugin-41"),
						(line, channel) -> handle(line));
				assertThat(PipeTestClient.request(dir, "plugin-41", "w")).isEqualTo("handled w");
				assertThat(registry.getRequiredChannel("plugin-41").getSettings().server().getEngine())
					.isEqualTo(PipeEngine.THREADS);
				registry.register("plugin-42", PipeChannelSettings
					.of(PipeServerSettings.builder("plugin-42", dir.resolve("42.in"), dir.resolve("42.out")).build()),
						(line, channel) -> handle(line));
				try (PipeTestClient client = PipeTestClient.connect(dir.resolve("42.in"), dir.resolve("42.out"))) {
					assertThat(client.request("x")).isEqualTo("handled x");
					registry.pause("plugin-42"); // lines stay in the pipe until resume
					client.send("y");
					registry.resume("plugin-42");
					assertThat(client.receive(WAIT)).isEqualTo("handled y");
					assertThat(registry.unregisterListener("plugin-42")).isTrue();
				}
				// stops it, removes its FIFOs
				assertThat(registry.unregister("plugin-42")).isTrue();
				assertThat(dir.resolve("42.in")).doesNotExist();
				assertThat(dir.resolve("42.out")).doesNotExist();
			});
	}

	@Test
	void pluginAtRuntimeAnswersRequests() {
		PipeIoContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeTemplate template = context.getBean(PipeTemplate.class);
			Path in = this.directory.resolve("p42.in");
			Path out = this.directory.resolve("p42.out");
			// cat answers each line with itself, as docs/plugins.md's plug-ins answer
			// each request with one line
			PluginSettings plugin = PluginSettings.builder(List.of("cat"))
				.restart(RestartPolicy.ALWAYS)
				.stopTimeout(Duration.ofSeconds(2))
				.restartWhenUnanswered(Duration.ofSeconds(30))
				.build();
			PipeChannelSettings settings = PipeChannelSettings.of(PipeServerSettings.builder("p42", in, out).build())
				.withPlugin(plugin);
			registry.register("p42", settings, (line, channel) -> null); // unsolicited
																			// lines
			String answer = template.sendAndReceive("p42", "cat.jpg");
			byte[] raw = template.sendAndReceive("p42", "dog.jpg".getBytes(StandardCharsets.UTF_8),
					Duration.ofSeconds(10));
			Size size = template.convertSendAndReceive("p42", new Size(3, 4), Size.class);
			Size sized = template.convertSendAndReceive("p42", new Size(5, 6), Size.class, Duration.ofSeconds(10));
			List<Size> sizes = template.convertSendAndReceive("p42", List.of(new Size(7, 8)),
					new ParameterizedTypeReference<List<Size>>() {
					});
			CompletableFuture<String> later = template.sendAndReceiveAsync("p42", "x", Duration.ofSeconds(10));
			CompletableFuture<String> soon = template.sendAndReceiveAsync("p42", "y");
			assertThat(answer).isEqualTo("cat.jpg");
			assertThat(raw).asString(StandardCharsets.UTF_8).isEqualTo("dog.jpg");
			assertThat(size).isEqualTo(new Size(3, 4));
			assertThat(sized).isEqualTo(new Size(5, 6));
			assertThat(sizes).containsExactly(new Size(7, 8));
			assertThat(later.get()).isEqualTo("x");
			assertThat(soon.get()).isEqualTo("y");
			assertThat(registry.unregister("p42")).isTrue(); // stops the plug-in, then
																// the channel
		});
	}

	private static String handle(byte[] line) {
		return "handled " + new String(line, StandardCharsets.UTF_8);
	}

	static class Upper {

		@PipeListener("upper")
		String upper(String line) {
			return line.toUpperCase();
		}

	}

	static class Listeners {

		@PipeListener("echo")
		byte[] echo(byte[] line) {
			return line;
		}

		@PipeListener("upper")
		String upper(String line, PipeChannelContext channel) {
			return line.toUpperCase(Locale.ROOT);
		}

		@PipeListener(value = "calc", errorHandler = "calcErrorHandler")
		CalcResult calc(CalcRequest request) {
			return new CalcResult(request.a() + request.b());
		}

		@PipeListener("jobs")
		CompletableFuture<String> submit(String job) {
			return CompletableFuture.supplyAsync(() -> "done " + job);
		}

		@Bean
		PipeErrorHandler calcErrorHandler() {
			return (exception, channel) -> Map.of("error", "malformed");
		}

	}

	record CalcRequest(int a, int b) {
	}

	record CalcResult(int sum) {
	}

	record Event(String name) {
	}

	record Size(int width, int height) {
	}

}
