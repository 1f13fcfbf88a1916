package io.pipeio.core;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;

import io.pipeio.converter.PipeMessageConversionException;
import io.pipeio.converter.PipeMessageConverter;
import io.pipeio.server.PipeSendException;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.Undeclared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Requests of {@link PipeTemplate} that fail, or must not, answered by a thread at the
 * other end of the channel's pipes.
 */
@Timeout(60)
class PipeTemplateRequestFailureTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path directory;

	private final List<PipeRequestOutcome> outcomes = new CopyOnWriteArrayList<>();

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory)
			.withPropertyValues("pipe-io.channels.calc.charset=UTF-8");
	}

	/** The channel's requests, their outcomes recorded in {@link #outcomes}. */
	private PipeRequestOperations requests(ApplicationContext context) {
		context.getBean(PipeChannelRegistry.class).getRequiredChannel("calc");
		context.getBean(PipeTemplate.class)
			.setRequestObserver((channel, outcome, duration) -> this.outcomes.add(outcome));
		return context.getBean(PipeRequestOperations.class);
	}

	/** Answer the next request with what {@code answer} makes of it. */
	private static Thread answering(PipeTestClient peer, UnaryOperator<String> answer) {
		Thread thread = new Thread(() -> peer.send(answer.apply(peer.receive())));
		thread.start();
		return thread;
	}

	@Test
	void anAnswerThatCannotBeConvertedIsAnError() {
		runner().run((context) -> {
			PipeRequestOperations requests = requests(context);
			try (PipeTestClient peer = PipeTestClient.connect(this.directory, "calc")) {
				Thread peerThread = answering(peer, (request) -> "not json");
				assertThatExceptionOfType(PipeMessageConversionException.class).isThrownBy(() -> requests
					.convertSendAndReceive("calc", List.of(1), PipeTemplateRequestTests.Echo.class, WAIT));
				peerThread.join();
			}
			await().atMost(WAIT).until(() -> !this.outcomes.isEmpty());
			assertThat(this.outcomes).containsExactly(PipeRequestOutcome.ERROR);
		});
	}

	/**
	 * A converter that throws a checked exception it does not declare (a Kotlin one
	 * calling Jackson 2, whose exceptions are checked): the request still ends, as an
	 * error, so that its observation and timer do not stay open.
	 */
	@Test
	void anAnswerWhoseConverterThrowsAnUndeclaredCheckedExceptionIsAnError() {
		runner().withBean(PipeMessageConverter.class, UndeclaredFailingConverter::new).run((context) -> {
			PipeRequestOperations requests = requests(context);
			try (PipeTestClient peer = PipeTestClient.connect(this.directory, "calc")) {
				Thread peerThread = answering(peer, (request) -> "an answer");
				assertThatExceptionOfType(IOException.class)
					.isThrownBy(() -> requests.convertSendAndReceive("calc", "q", Integer.class, WAIT))
					.withMessage("undeclared");
				peerThread.join();
			}
			assertThat(this.outcomes).containsExactly(PipeRequestOutcome.ERROR);
		});
	}

	@Test
	void aRequestToAStoppedChannelFailsItsFutureNotItsCaller() {
		runner().run((context) -> {
			PipeRequestOperations requests = requests(context);
			context.getBean(PipeChannelRegistry.class).stop("calc");
			CompletableFuture<String> answer = requests.sendAndReceiveAsync("calc", "q", WAIT);
			assertThat(answer).failsWithin(WAIT)
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOf(PipeSendException.class)
				.withMessageContaining("'calc' is not running");
			assertThat(requests.sendAndReceiveAsync("calc", "q".getBytes(StandardCharsets.UTF_8), WAIT))
				.failsWithin(WAIT)
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOf(PipeSendException.class);
			assertThatExceptionOfType(PipeSendException.class)
				.isThrownBy(() -> requests.sendAndReceive("calc", "q", WAIT));
			assertThat(this.outcomes).containsExactly(PipeRequestOutcome.ERROR, PipeRequestOutcome.ERROR,
					PipeRequestOutcome.ERROR);
		});
	}

	@Test
	void aMalformedTextAnswerFailsTheRequest() {
		// "café" written in ISO-8859-1: not valid UTF-8
		byte[] malformed = { 'c', 'a', 'f', (byte) 0xE9, '\n' };
		runner().run((context) -> {
			PipeRequestOperations requests = requests(context);
			try (PipeTestClient peer = PipeTestClient.connect(this.directory, "calc")) {
				Thread peerThread = answeringRaw(peer, malformed);
				assertThatExceptionOfType(PipeMessageConversionException.class)
					.isThrownBy(() -> requests.sendAndReceive("calc", "q", WAIT))
					.withMessageContaining("'calc'")
					.withMessageContaining("UTF-8");
				peerThread.join();
				peerThread = answeringRaw(peer, malformed);
				assertThat(requests.sendAndReceiveAsync("calc", "q", WAIT)).failsWithin(WAIT)
					.withThrowableOfType(ExecutionException.class)
					.havingCause()
					.isInstanceOf(PipeMessageConversionException.class);
				peerThread.join();
				peerThread = answeringRaw(peer, malformed);
				assertThatExceptionOfType(PipeMessageConversionException.class)
					.isThrownBy(() -> requests.convertSendAndReceive("calc", "q", String.class, WAIT));
				peerThread.join();
			}
			await().atMost(WAIT).until(() -> this.outcomes.size() == 3);
			assertThat(this.outcomes).containsOnly(PipeRequestOutcome.ERROR);
		});
	}

	@Test
	void aTimeoutTooLongForNanosecondsWaitsAsLongAsItTakes() {
		Duration forever = Duration.ofMillis(Long.MAX_VALUE);
		runner().run((context) -> {
			PipeRequestOperations requests = requests(context);
			try (PipeTestClient peer = PipeTestClient.connect(this.directory, "calc")) {
				Thread peerThread = answering(peer, String::toUpperCase);
				assertThat(requests.sendAndReceive("calc", "sync", forever)).isEqualTo("SYNC");
				peerThread.join();
				peerThread = answering(peer, String::toUpperCase);
				assertThat(requests.sendAndReceiveAsync("calc", "async", forever)).succeedsWithin(WAIT)
					.isEqualTo("ASYNC");
				peerThread.join();
			}
			await().atMost(WAIT).until(() -> this.outcomes.size() == 2);
			assertThat(this.outcomes).containsOnly(PipeRequestOutcome.SUCCESS);
		});
	}

	private static Thread answeringRaw(PipeTestClient peer, byte[] answer) {
		Thread thread = new Thread(() -> {
			peer.receive();
			peer.sendRaw(answer);
		});
		thread.start();
		return thread;
	}

	/** Writes text, and fails reading any. */
	static class UndeclaredFailingConverter implements PipeMessageConverter {

		@Override
		public boolean canConvertFrom(Type targetType) {
			return true;
		}

		@Override
		public Object fromLine(byte[] buffer, int offset, int length, Type targetType) {
			throw Undeclared.raise(new IOException("undeclared"));
		}

		@Override
		public byte[] toLine(Object payload) {
			return payload.toString().getBytes(StandardCharsets.UTF_8);
		}

	}

}
