package io.pipeio.sample;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every client example of {@code clients/} (bash, Python, Node.js, C, Go, C#, Java)
 * as a separate process against the running sample app.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Timeout(180)
class ClientExamplesTests extends SampleAppTestSupport {

	@ParameterizedTest(name = "{0} client")
	@EnumSource
	void clientTalksToTheSampleApp(ClientExample client) throws Exception {
		List<String> arguments = new ArrayList<>(client.command());
		arguments.add(this.directory.toString());
		Process process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
		boolean ended = process.waitFor(60, TimeUnit.SECONDS);
		if (!ended) {
			process.destroyForcibly();
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(ended).as("%s client ended; output:%n%s", client.language(), output).isTrue();
		assertThat(process.exitValue()).as("%s client exit status; output:%n%s", client.language(), output).isZero();
		assertThat(output).contains("echo: ok", "upper: ok", "calc: ok");
	}

}
