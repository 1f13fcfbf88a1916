package io.pipeio.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's filter chain for the actuator, as it stands there: everyone sees health,
 * operators change channels, monitoring reads the rest, and the endpoint logs who made a
 * change.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
@Timeout(120)
class SampleEndpointSecurityTests extends SampleAppTestSupport {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Test
	void everyoneSeesHealthButNotTheChannels() throws Exception {
		assertThat(send("GET", "/actuator/health", null).statusCode()).isEqualTo(200);
		assertThat(send("GET", "/actuator/pipeio", null).statusCode()).isEqualTo(401);
		assertThat(send("POST", "/actuator/pipeio/upper/stop", null).statusCode()).isEqualTo(401);
		assertThat(this.registry.getRequiredChannel("upper").isRunning()).isTrue();
	}

	@Test
	void monitoringReadsTheChannelsButCannotChangeThem() throws Exception {
		HttpResponse<String> channel = send("GET", "/actuator/pipeio/upper", "monitor");
		assertThat(channel.statusCode()).isEqualTo(200);
		assertThat(channel.body()).contains("\"state\":\"RUNNING\"");
		assertThat(send("POST", "/actuator/pipeio/upper/pause", "monitor").statusCode()).isEqualTo(403);
		assertThat(this.registry.getRequiredChannel("upper").isPaused()).isFalse();
	}

	@Test
	void anOperatorChangesAChannelAndIsNamedInTheLog(CapturedOutput output) throws Exception {
		try {
			assertThat(send("POST", "/actuator/pipeio/upper/pause", "ops").statusCode()).isEqualTo(200);
			assertThat(this.registry.getRequiredChannel("upper").isPaused()).isTrue();
			assertThat(output).containsPattern("pipeio endpoint: pause of channel 'upper' by ops: PAUSED");
		}
		finally {
			this.registry.getRequiredChannel("upper").resume();
		}
	}

	private HttpResponse<String> send(String method, String path, @Nullable String user) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (user != null) {
			String credentials = user + ":secret";
			request.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * The configuration the README gives, with the users the tests log in as.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class ActuatorSecurity {

		@Bean
		SecurityFilterChain actuatorSecurityFilterChain(HttpSecurity http) throws Exception {
			http.securityMatcher(EndpointRequest.toAnyEndpoint())
				.authorizeHttpRequests((requests) -> requests.requestMatchers(EndpointRequest.to(HealthEndpoint.class))
					.permitAll()
					.requestMatchers(HttpMethod.POST, "/actuator/pipeio/**")
					.hasRole("OPERATOR")
					.anyRequest()
					.hasAnyRole("OPERATOR", "MONITORING"))
				.httpBasic(Customizer.withDefaults())
				// Operators call it with curl or a script, not from a browser session.
				.csrf((csrf) -> csrf.ignoringRequestMatchers(EndpointRequest.toAnyEndpoint()));
			return http.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("ops").password("{noop}secret").roles("OPERATOR").build(),
					User.withUsername("monitor").password("{noop}secret").roles("MONITORING").build());
		}

	}

}
