package io.pipeio.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web server's graceful shutdown lets an HTTP request that waits for a plug-in's
 * answer finish: the channels stop after the web server, so the plug-in is still there to
 * answer. Runs the sample app on a random port with its {@code shout} plug-in replaced by
 * a slow one.
 */
@Timeout(120)
class GracefulShutdownTests {

	@TempDir
	Path directory;

	@Test
	void requestInFlightWhenTheAppClosesIsAnswered() throws Exception {
		Path received = this.directory.resolve("received");
		Path plugin = this.directory.resolve("slow-shout.sh");
		// Marks that a request arrived, then answers it a second later: the app is asked
		// to close in between.
		Files.writeString(plugin, """
				while IFS= read -r line; do
					: > '%s'
					sleep 1
					printf '%%s!\\n' "${line^^}"
				done
				""".formatted(received));
		Path pipes = Files.createDirectory(this.directory.resolve("pipes"));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class).run(
				"--server.port=0", "--server.shutdown=graceful", "--spring.lifecycle.timeout-per-shutdown-phase=10s",
				"--pipe-io.directory=" + pipes, "--pipe-io.channels.shout.plugin.command[0]=bash",
				"--pipe-io.channels.shout.plugin.command[1]=" + plugin);
		String port = context.getEnvironment().getRequiredProperty("local.server.port");
		HttpClient http = HttpClient.newHttpClient();
		CompletableFuture<HttpResponse<String>> response = http.sendAsync(
				HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/shout?text=late")).build(),
				HttpResponse.BodyHandlers.ofString());
		await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(received));
		context.close();
		HttpResponse<String> answer = response.get(30, TimeUnit.SECONDS);
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).isEqualTo("LATE!");
	}

}
