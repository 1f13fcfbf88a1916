package io.pipeio.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /actuator/pipeio/{channel}/{action}} over HTTP, as an operator's script
 * sees it: the status says what happened and the body says why.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
@Timeout(120)
class SampleEndpointTests extends SampleAppTestSupport {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Test
	void anUnknownChannelIsNotFound() throws Exception {
		HttpResponse<String> response = post("/actuator/pipeio/nope/stop");
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).contains("No channel 'nope'").contains("\"calc\"", "\"echo\"", "\"upper\"");
		HttpResponse<String> read = this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/pipeio/nope")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(read.statusCode()).isEqualTo(404);
		assertThat(read.body()).contains("No channel 'nope'").contains("\"calc\"", "\"echo\"", "\"upper\"");
		HttpResponse<String> known = this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/pipeio/echo")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(known.statusCode()).isEqualTo(200);
		assertThat(known.body()).contains("\"state\":\"RUNNING\"");
	}

	@Test
	void anUnknownActionIsABadRequestListingTheValidOnes() throws Exception {
		HttpResponse<String> response = post("/actuator/pipeio/echo/explode");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("Unknown action 'explode'")
			.contains("\"actions\":[\"pause\",\"resume\",\"stop\",\"start\",\"restart\"]");
	}

	@Test
	void aFailedStartAnswersWithTheReasonAndEveryActionIsLogged(CapturedOutput output) throws Exception {
		assertThat(post("/actuator/pipeio/upper/stop").statusCode()).isEqualTo(200);
		assertThat(output).containsPattern("INFO .*pipeio endpoint: stop of channel 'upper': STOPPED");
		Path in = Files.writeString(this.directory.resolve("upper.in"), "somebody else's file");
		try {
			HttpResponse<String> failed = post("/actuator/pipeio/upper/start");
			assertThat(failed.statusCode()).isEqualTo(500);
			assertThat(failed.body()).contains("\"error\":").contains(in.toString()).contains("regular file");
			assertThat(output).containsPattern("INFO .*pipeio endpoint: start of channel 'upper': failed");
		}
		finally {
			Files.delete(in);
		}
		HttpResponse<String> started = post("/actuator/pipeio/upper/start");
		assertThat(started.statusCode()).isEqualTo(200);
		assertThat(started.body()).contains("\"state\":\"RUNNING\"");
	}

	private HttpResponse<String> post(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
