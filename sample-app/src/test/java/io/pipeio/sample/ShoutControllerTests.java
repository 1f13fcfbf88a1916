package io.pipeio.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.pipeio.core.PipeChannel;
import io.pipeio.plugin.PluginState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /shout} over HTTP: the plug-in's answer, or a gateway's status with the
 * reason when it gives none.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "pipe-io.channels.shout.reply-timeout=1s")
@ExtendWith(OutputCaptureExtension.class)
@Timeout(120)
class ShoutControllerTests extends SampleAppTestSupport {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Test
	void aPlugInThatDoesNotAnswerInTimeIsAGatewayTimeout(CapturedOutput output) throws Exception {
		assertThat(shout("hi").body()).isEqualTo("HI!");
		PipeChannel channel = this.registry.getRequiredChannel("shout");
		long pid = channel.getPlugin().getPid();
		signal("STOP", pid);
		try {
			HttpResponse<String> response = shout("anyone?");
			assertThat(response.statusCode()).isEqualTo(504);
			assertThat(response.body()).startsWith("No answer from the shout plug-in (timeout): ");
		}
		finally {
			signal("CONT", pid);
		}
		// the late answer is discarded; the next request gets its own
		await().untilAsserted(() -> assertThat(shout("back").body()).isEqualTo("BACK!"));
		assertThat(output).doesNotContain("PipeRequestException");
	}

	@Test
	void aStoppedChannelIsServiceUnavailable() throws Exception {
		PipeChannel channel = this.registry.getRequiredChannel("shout");
		this.registry.stop("shout");
		try {
			HttpResponse<String> response = shout("anyone?");
			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(response.body()).startsWith("Cannot ask the shout plug-in: ").contains("'shout'");
		}
		finally {
			this.registry.start("shout");
		}
		await().until(() -> channel.getPlugin().getState() == PluginState.RUNNING);
		assertThat(shout("again").body()).isEqualTo("AGAIN!");
	}

	private HttpResponse<String> shout(String text) throws Exception {
		URI uri = URI.create("http://localhost:" + this.port + "/shout?text=" + text.replace("?", "%3F"));
		return this.http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static void signal(String signal, long pid) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
		assertThat(kill.waitFor()).isZero();
	}

}
