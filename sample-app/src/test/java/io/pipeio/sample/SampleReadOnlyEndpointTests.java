package io.pipeio.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's way to secure the {@code pipeio} endpoint without Spring Security:
 * {@code management.endpoint.pipeio.access=read-only} keeps the reads and removes the
 * changes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "management.endpoint.pipeio.access=read-only")
@Timeout(120)
class SampleReadOnlyEndpointTests extends SampleAppTestSupport {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Test
	void channelsCanBeReadButNotChanged() throws Exception {
		assertThat(send("GET", "/actuator/pipeio/upper").statusCode()).isEqualTo(200);
		HttpResponse<String> stop = send("POST", "/actuator/pipeio/upper/stop");
		assertThat(stop.statusCode()).isBetween(400, 499);
		assertThat(this.registry.getRequiredChannel("upper").isRunning()).isTrue();
	}

	private HttpResponse<String> send(String method, String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
