package io.pipeio.sample;

import java.time.Duration;
import java.util.Random;

import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's three channels, driven through the real FIFOs of a running application.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE)
@Timeout(60)
class SampleApplicationTests extends SampleAppTestSupport {

	@Autowired
	ShoutController shout;

	@Test
	void createsTheFourChannels() {
		assertThat(this.registry.getChannelNames()).containsExactly("calc", "echo", "shout", "upper");
		for (String name : this.registry.getChannelNames()) {
			assertThat(this.directory.resolve(name + ".in")).exists();
			assertThat(this.directory.resolve(name + ".out")).exists();
		}
		assertThat(this.registry.getRequiredChannel("echo").getSettings().server().getMaxMessageSize())
			.isEqualTo(32 * 1024 * 1024);
	}

	@Test
	void shoutPluginAnswersThroughSendAndReceive() {
		assertThat(this.shout.shout("hello")).isEqualTo("HELLO!");
		assertThat(this.shout.shout("a plug-in, twice")).isEqualTo("A PLUG-IN, TWICE!");
		assertThat(this.registry.getRequiredChannel("shout").getPlugin().getState().name()).isEqualTo("RUNNING");
	}

	@Test
	void echoIsByteExactIncludingBytesThatAreNotUtf8() {
		try (PipeTestClient client = PipeTestClient.connect(this.directory, "echo")) {
			byte[] line = new byte[256 - 1];
			for (int i = 0, b = 0; b < 256; b++) {
				if (b != '\n') {
					line[i++] = (byte) b;
				}
			}
			client.send(line);
			assertThat(client.receiveBytes()).containsExactly(line);
			client.send(new byte[] { (byte) 0xc3, (byte) 0x28, (byte) 0xff });
			assertThat(client.receiveBytes()).containsExactly((byte) 0xc3, (byte) 0x28, (byte) 0xff);
			client.send(new byte[0]);
			assertThat(client.receiveBytes()).isEmpty();
		}
	}

	@Test
	void echoesAMultiMegabyteLine() {
		byte[] line = new byte[5 * 1024 * 1024 + 17];
		new Random(42).nextBytes(line);
		for (int i = 0; i < line.length; i++) {
			if (line[i] == '\n') {
				line[i] = '.';
			}
		}
		try (PipeTestClient client = PipeTestClient.connect(this.directory, "echo")) {
			Thread writer = new Thread(() -> client.send(line));
			writer.start();
			assertThat(client.receiveBytes(Duration.ofSeconds(30))).isEqualTo(line);
			await().until(() -> !writer.isAlive());
			client.send("small after big");
			assertThat(client.receive()).isEqualTo("small after big");
		}
	}

	@Test
	void upperCasesNonAsciiText() {
		try (PipeTestClient client = PipeTestClient.connect(this.directory, "upper")) {
			client.send("straße, ÿ, é, ǆ, 日本");
			assertThat(client.receive()).isEqualTo("STRASSE, Ÿ, É, Ǆ, 日本");
		}
	}

	@Test
	void upperDropsMalformedUtf8AndKeepsServing() {
		long malformed = this.registry.getRequiredChannel("upper").getStatistics().getDropped(DropReason.MALFORMED);
		try (PipeTestClient client = PipeTestClient.connect(this.directory, "upper")) {
			client.send(new byte[] { 'a', (byte) 0xff });
			client.send("ok");
			// Not calc's {"error":...}: that handler belongs to the calc listener alone.
			assertThat(client.receive()).isEqualTo("OK");
			assertThat(this.registry.getRequiredChannel("upper").getStatistics().getDropped(DropReason.MALFORMED))
				.isEqualTo(malformed + 1);
		}
	}

	@Test
	void calcAdds() {
		try (PipeTestClient client = PipeTestClient.connect(this.directory, "calc")) {
			client.send("{\"op\":\"add\",\"a\":1,\"b\":2}");
			assertThat(client.receive()).isEqualTo("{\"result\":3}");
			client.send("{\"op\":\"mul\",\"a\":1.5,\"b\":-4}");
			assertThat(client.receive()).isEqualTo("{\"result\":-6.0}");
		}
	}

	@Test
	void calcRepliesWithAnErrorInsteadOfLeavingTheClientWaiting() {
		try (PipeTestClient client = PipeTestClient.connect(this.directory, "calc")) {
			client.send("{\"op\":\"div\",\"a\":1,\"b\":0}");
			assertThat(client.receive()).isEqualTo("{\"error\":\"division by zero\"}");
			client.send("{\"op\":\"pow\",\"a\":1,\"b\":2}");
			assertThat(client.receive()).isEqualTo("{\"error\":\"unknown op 'pow'; use add, sub, mul or div\"}");
			client.send("not json");
			assertThat(client.receive()).startsWith("{\"error\":\"Cannot convert JSON line to");
			client.send("{\"op\":\"sub\",\"a\":5,\"b\":7}");
			assertThat(client.receive()).isEqualTo("{\"result\":-2}");
		}
	}

	@Test
	void channelsServeConcurrentClientsOfDifferentChannels() throws Exception {
		try (PipeTestClient echo = PipeTestClient.connect(this.directory, "echo");
				PipeTestClient upper = PipeTestClient.connect(this.directory, "upper")) {
			for (int i = 0; i < 100; i++) {
				echo.send("e" + i);
				upper.send("u" + i);
			}
			for (int i = 0; i < 100; i++) {
				assertThat(echo.receive()).isEqualTo("e" + i);
				assertThat(upper.receive()).isEqualTo("U" + i);
			}
		}
	}

}
