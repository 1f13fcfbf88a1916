package io.pipeio.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Operators' view of the sample app over HTTP: lines sent through real FIFOs show up in
 * {@code /actuator/metrics} and {@code /actuator/health/pipeIo}; pausing through the
 * {@code pipeio} endpoint shows as UP/PAUSED; a broken pipe shows as DOWN.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(120)
class SampleObservabilityTests extends SampleAppTestSupport {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Test
	void receivedLinesAreCountedInMetrics() throws Exception {
		double before = receivedCount("upper");
		for (int i = 0; i < 3; i++) {
			assertThat(request("upper", "line " + i)).isEqualTo("LINE " + i);
		}
		await().untilAsserted(() -> assertThat(receivedCount("upper")).isEqualTo(before + 3));
		assertThat(get("/actuator/metrics/pipeio.listener?tag=channel:upper").body()).contains("\"COUNT\"");
		assertThat(get("/actuator/prometheus").body()).contains("pipeio_messages_received_total{channel=\"upper\"");
	}

	@Test
	void healthShowsEveryChannelAndPauseViaEndpoint() throws Exception {
		HttpResponse<String> health = get("/actuator/health/pipeIo");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"echo\"", "\"upper\"", "\"calc\"").contains("\"status\":\"UP\"");
		HttpResponse<String> paused = post("/actuator/pipeio/calc/pause");
		assertThat(paused.statusCode()).isEqualTo(200);
		try {
			HttpResponse<String> calc = get("/actuator/health/pipeIo/calc");
			assertThat(calc.statusCode()).isEqualTo(200);
			assertThat(calc.body()).contains("\"status\":\"UP\"").contains("\"state\":\"PAUSED\"");
		}
		finally {
			post("/actuator/pipeio/calc/resume");
		}
		assertThat(request("calc", "{\"op\":\"add\",\"a\":1,\"b\":2}")).isEqualTo("{\"result\":3}");
	}

	@Test
	void brokenPipeShowsDownUntilRepaired() throws Exception {
		Path out = this.directory.resolve("echo.out");
		Files.delete(out);
		Files.writeString(out, "somebody else's file");
		try {
			await().untilAsserted(() -> {
				HttpResponse<String> echo = get("/actuator/health/pipeIo/echo");
				assertThat(echo.statusCode()).isEqualTo(503);
				assertThat(echo.body()).contains("\"status\":\"DOWN\"").contains("regular file");
			});
			assertThat(get("/actuator/health").statusCode()).isEqualTo(503);
		}
		finally {
			Files.delete(out);
		}
		await().untilAsserted(() -> assertThat(get("/actuator/health/pipeIo/echo").statusCode()).isEqualTo(200));
		assertThat(request("echo", "still here")).isEqualTo("still here");
	}

	private double receivedCount(String channel) throws Exception {
		String body = get("/actuator/metrics/pipeio.messages.received?tag=channel:" + channel).body();
		String value = body.replaceAll(".*\"statistic\":\"COUNT\",\"value\":([0-9.E]+).*", "$1");
		return Double.parseDouble(value);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	private String request(String channel, String line) throws Exception {
		return CompletableFuture.supplyAsync(() -> {
			try (FileChannel in = FileChannel.open(this.directory.resolve(channel + ".in"), StandardOpenOption.WRITE);
					FileChannel out = FileChannel.open(this.directory.resolve(channel + ".out"),
							StandardOpenOption.READ)) {
				in.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
				ByteBuffer one = ByteBuffer.allocate(1);
				java.io.ByteArrayOutputStream reply = new java.io.ByteArrayOutputStream();
				while (out.read(one.clear()) > 0 && one.get(0) != '\n') {
					reply.write(one.get(0));
				}
				return reply.toString(StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}).get(10, TimeUnit.SECONDS);
	}

}
