package io.pipeio.sample;

import java.time.Duration;
import java.util.Locale;

import io.pipeio.core.PipeRequestOperations;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the sample app with the {@code client-plugins} profile: every client example of
 * {@code clients/} started with {@code --stdio} as the supervised plug-in of a channel
 * {@code plugin-<language>}, and asked through {@code sendAndReceive}. With
 * {@link ClientExamplesTests} this proves each example both as an attached client and as
 * a plug-in.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("client-plugins")
@Timeout(180)
class ClientPluginsTests extends SampleAppTestSupport {

	// Generous: the plug-ins start together with the app, and the JVM and Mono ones take
	// a few seconds to answer their first line on a busy machine. A request waits in the
	// pipe meanwhile.
	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@Autowired
	PipeRequestOperations requests;

	/**
	 * Build the C, Go and C# clients before the context starts their plug-ins.
	 * @param properties the properties of the context being created
	 */
	@DynamicPropertySource
	static void compiledClients(DynamicPropertyRegistry properties) {
		properties.add("sample.clients-build", () -> ClientExample.build().toString());
	}

	@ParameterizedTest(name = "{0} plug-in")
	@EnumSource
	void pluginAnswersEachRequestUpperCased(ClientExample client) {
		String channel = "plugin-" + client.language();
		String first = "h\u00e9llo w\u00f6rld from " + client.language();
		assertThat(this.requests.sendAndReceive(channel, first, TIMEOUT)).isEqualTo(first.toUpperCase(Locale.ROOT));
		// A second line gets its own answer from the same process: one reply line per
		// request line.
		assertThat(this.requests.sendAndReceive(channel, "second \u00e0 la ligne", TIMEOUT))
			.isEqualTo("SECOND \u00c0 LA LIGNE");
	}

}
