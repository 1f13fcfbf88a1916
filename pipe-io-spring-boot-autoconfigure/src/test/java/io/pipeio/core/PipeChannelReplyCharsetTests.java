package io.pipeio.core;

import java.nio.file.Path;

import io.pipeio.annotation.PipeListener;
import io.pipeio.server.ChannelStatistics;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code String} reply the channel's charset cannot encode is refused and counted
 * ({@code handler-error}) on each engine and dispatch mode, also with a charset whose
 * replacement is not '?': ISO-2022-JP writes a full-width question mark, which used to
 * reach the client in place of the character.
 */
@Timeout(60)
class PipeChannelReplyCharsetTests {

	@TempDir
	Path directory;

	@ParameterizedTest(name = "engine {0}, dispatch {1}")
	@CsvSource({ "threads, auto", "event-loop, worker", "event-loop, loop" })
	void replyTheCharsetCannotEncodeIsRefusedNotReplaced(String engine, String dispatch) {
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(Euro.class)
			.withPropertyValues("pipe-io.engine=" + engine, "pipe-io.channels.jis.dispatch=" + dispatch,
					"pipe-io.channels.jis.charset=ISO-2022-JP")
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("jis");
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "jis")) {
					client.send("euro");
					client.send("ok");
					// Replies come in order: the first one written is the one the
					// charset can encode.
					assertThat(client.receive()).isEqualTo("re:ok");
				}
				ChannelStatistics statistics = channel.getStatistics();
				assertThat(statistics.getDropped(DropReason.HANDLER_ERROR)).isEqualTo(1);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Euro {

		@PipeListener("jis")
		String reply(String line) {
			return line.equals("euro") ? "5 €" : "re:" + line;
		}

	}

}
