package io.pipeio.sample;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The logged command for a channel a plug-in answers goes where the application serves
 * HTTP as it is configured: its address and context path, not only its port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "server.servlet.context-path=/app/" })
@Timeout(120)
class ShellTryCommandBehindAContextPathTests extends SampleAppTestSupport {

	@Autowired
	ChannelBanner banner;

	@Test
	void theLoggedCommandReachesThePlugInThroughTheContextPath() throws Exception {
		String command = this.banner.tryCommand(this.registry.getRequiredChannel("shout"));
		assertThat(command).contains("'http://127.0.0.1:").contains("/app/shout?text=hello'");
		Process process = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
		process.getOutputStream().close();
		boolean ended = process.waitFor(30, TimeUnit.SECONDS);
		if (!ended) {
			process.destroyForcibly();
		}
		assertThat(ended).as("sh -c %s ended", command).isTrue();
		assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("HELLO!\n");
		assertThat(process.exitValue()).isZero();
	}

}
