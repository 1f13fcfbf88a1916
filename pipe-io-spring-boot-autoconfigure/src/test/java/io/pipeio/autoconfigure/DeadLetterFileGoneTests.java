package io.pipeio.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.pipeio.annotation.PipeListener;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.server.ChannelStatistics;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A dead-letter file deleted, or moved away by a log rotation, while the channel runs:
 * the next record goes into a new file at the path, not into the file nobody can reach
 * any more while counted as written.
 */
@Timeout(60)
class DeadLetterFileGoneTests {

	@TempDir
	Path directory;

	@Test
	void aLineDroppedAfterTheFileWasMovedAwayIsWrittenToANewFile() {
		Path file = this.directory.resolve("letters.jsonl");
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withUserConfiguration(Failing.class)
			.withPropertyValues("pipe-io.channels.calc.dead-letter.file=" + file)
			.run((context) -> {
				ChannelStatistics statistics = context.getBean(PipeChannelRegistry.class)
					.getRequiredChannel("calc")
					.getStatistics();
				try (PipeTestClient client = PipeTestClient.connect(this.directory.resolve("pipes"), "calc")) {
					client.send("fail 1");
					await().until(() -> statistics.getDeadLettered() == 1);
					// a log rotation
					Files.move(file, this.directory.resolve("letters.jsonl.old"));
					client.send("fail 2");
					await().until(() -> statistics.getDeadLettered() == 2);
				}
				assertThat(statistics.getDeadLetterFailures()).isZero();
				assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).singleElement()
					.satisfies((record) -> assertThat(record).contains("\"line\":\"fail 2\""));
				assertThat(Files.readAllLines(this.directory.resolve("letters.jsonl.old"), StandardCharsets.UTF_8))
					.singleElement()
					.satisfies((record) -> assertThat(record).contains("\"line\":\"fail 1\""));
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Failing {

		@PipeListener("calc")
		String calc(String line) {
			throw new IllegalStateException(line + " failed");
		}

	}

}
