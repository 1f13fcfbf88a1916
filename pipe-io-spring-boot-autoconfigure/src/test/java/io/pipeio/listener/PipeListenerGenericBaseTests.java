package io.pipeio.listener;

import java.nio.file.Path;

import io.pipeio.annotation.PipeListener;
import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.listener.PipeListenerSignatureTests.Pair;
import io.pipeio.listener.PipeListenerSignatureTests.Sum;
import io.pipeio.test.PipeTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @PipeListener} method declared in a generic base class takes and returns the
 * types the bean's class gives the type variables, as Spring resolves them elsewhere: a
 * line becomes the subclass's payload type, and text stays text.
 */
@Timeout(60)
class PipeListenerGenericBaseTests {

	@TempDir
	Path directory;

	@Test
	void aPayloadOfATypeVariableIsConvertedToTheTypeTheSubclassGivesIt() {
		runner().withBean(PairHandler.class)
			.run((context) -> assertThat(PipeTestClient.request(this.directory, "generic", "{\"a\":1,\"b\":2}"))
				.isEqualTo("Pair[a=1, b=2]"));
	}

	@Test
	void aTypeVariableGivenStringIsTextAndOneGivenARecordRepliesAsJson() {
		runner().withBean(LengthHandler.class)
			.run((context) -> assertThat(PipeTestClient.request(this.directory, "generic-text", "not json"))
				.isEqualTo("{\"sum\":8}"));
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class))
			.withPropertyValues("pipe-io.directory=" + this.directory);
	}

	abstract static class Handler<T> {

		@PipeListener("generic")
		String handle(T payload) {
			return payload.toString();
		}

	}

	static class PairHandler extends Handler<Pair> {

	}

	abstract static class Replying<T, R> {

		abstract R reply(T payload);

		@PipeListener("generic-text")
		R handle(T payload) {
			return reply(payload);
		}

	}

	static class LengthHandler extends Replying<String, Sum> {

		@Override
		Sum reply(String payload) {
			return new Sum(payload.length());
		}

	}

}
