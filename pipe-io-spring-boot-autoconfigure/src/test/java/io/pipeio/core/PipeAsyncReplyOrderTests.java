package io.pipeio.core;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pipeio.annotation.PipeListener;
import io.pipeio.converter.PipeMessageConverter;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.Undeclared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Asynchronous replies keep their place: an error handler's reply waits behind them, and
 * one still incomplete when its channel stops loses its place (the replies held behind it
 * are counted, not kept, so that after a restart no reply waits for it; completing it
 * later is reported as a failure).
 */
@Timeout(60)
class PipeAsyncReplyOrderTests {

	@TempDir
	Path directory;

	@Test
	void aReplyThatDidNotCompleteBeforeTheStopHoldsUpNoReplyAfterTheRestart() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(Hanging.class)
			.withPropertyValues("pipe-io.channels.work.charset=UTF-8")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				PipeChannel channel = registry.getRequiredChannel("work");
				Hanging listener = context.getBean(Hanging.class);
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "work")) {
					client.send("hang");
					client.send("next"); // its reply waits behind the one that hangs
					await().atMost(Duration.ofSeconds(10)).until(() -> listener.calls == 2);
				}
				registry.stop("work");
				assertThat(channel.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isEqualTo(1);
				registry.start("work");
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "work")) {
					client.send("again");
					assertThat(client.receive()).isEqualTo("re:again");
				}
				listener.hanging.complete("too late");
				assertThat(channel.getStatistics().getDropped(DropReason.HANDLER_ERROR)).isEqualTo(2);
			});
	}

	@Test
	void anErrorHandlersReplyWaitsForTheAsynchronousReplyBeforeIt() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(Later.class)
			.withBean("pipeErrorHandler", PipeErrorHandler.class,
					() -> (failure, channel) -> "error:" + new String(failure.getLine(), channel.getCharset()))
			.withPropertyValues("pipe-io.channels.work.charset=UTF-8")
			.run((context) -> {
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "work")) {
					client.send("slow");
					client.send("bad");
					assertThat(client.receiveLines(2)).containsExactly("re:slow", "error:bad");
				}
			});
	}

	@Test
	void anErrorHandlersReplyToAFailedAsynchronousReplyTakesItsPlace() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(FailingLater.class)
			.withBean("pipeErrorHandler", PipeErrorHandler.class,
					() -> (failure, channel) -> "error:" + new String(failure.getLine(), channel.getCharset()))
			.withPropertyValues("pipe-io.channels.work.charset=UTF-8")
			.run((context) -> {
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "work")) {
					client.send("fail");
					client.send("ok");
					assertThat(client.receiveLines(2)).containsExactly("error:fail", "re:ok");
				}
			});
	}

	@Test
	void anAsynchronousReplyCompletedOnAnotherThreadDoesNotOvertakeTheRepliesOfItsChunk() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(CompletedElsewhere.class)
			.withPropertyValues("pipe-io.channels.work.charset=UTF-8")
			.run((context) -> {
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "work")) {
					// Until measured fast, a listener's replies are not held.
					for (int round = 0; round < 30; round++) {
						StringBuilder warmUp = new StringBuilder();
						for (int i = 0; i < 500; i++) {
							warmUp.append("x").append(i).append('\n');
						}
						client.sendRaw(warmUp.toString().getBytes(StandardCharsets.UTF_8));
						assertThat(client.receiveLines(500)).hasSize(500);
					}
					for (int round = 0; round < 3; round++) {
						// One chunk: the replies of a fast listener's lines are held to
						// its end.
						StringBuilder chunk = new StringBuilder();
						List<String> expected = new ArrayList<>();
						for (int i = 0; i < 200; i++) {
							chunk.append("w").append(i).append('\n');
							expected.add("re:w" + i);
						}
						chunk.append("async\nwait\n");
						expected.add("re:async");
						expected.add("re:wait");
						client.sendRaw(chunk.toString().getBytes(StandardCharsets.UTF_8));
						assertThat(client.receiveLines(expected.size())).containsExactlyElementsOf(expected);
					}
				}
			});
	}

	/**
	 * A converter that throws a checked exception it does not declare (a Kotlin one
	 * calling Jackson 2) as it writes an asynchronous reply: the reply is counted as one
	 * that could not be sent, and the replies after it go out.
	 */
	@Test
	void anAsynchronousReplyWhoseConverterThrowsAnUndeclaredCheckedExceptionIsCountedAndTheNextGoOut() {
		PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(AnsweringLater.class)
			.withBean(PipeMessageConverter.class, FailingOnBoom::new)
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("work");
				try (PipeTestClient client = PipeTestClient.connect(this.directory, "work")) {
					client.send("boom");
					client.send("ok");
					assertThat(client.receive()).isEqualTo("re:ok");
				}
				await().atMost(Duration.ofSeconds(10))
					.until(() -> channel.getStatistics().getDropped(DropReason.HANDLER_ERROR) == 1);
			});
	}

	record Answer(String text) {
	}

	@Configuration(proxyBeanMethods = false)
	static class AnsweringLater {

		@PipeListener("work")
		CompletableFuture<Answer> reply(String line) {
			return CompletableFuture.supplyAsync(() -> new Answer("re:" + line),
					CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
		}

	}

	/** Reads text, writes answers, and fails on the answer to "boom" undeclared. */
	static class FailingOnBoom implements PipeMessageConverter {

		@Override
		public boolean canConvertFrom(Type targetType) {
			return true;
		}

		@Override
		public Object fromLine(byte[] buffer, int offset, int length, Type targetType) {
			return new String(buffer, offset, length, StandardCharsets.UTF_8);
		}

		@Override
		public byte[] toLine(Object payload) {
			String text = (payload instanceof Answer answer) ? answer.text() : payload.toString();
			if (text.equals("re:boom")) {
				Undeclared.raise(new IOException("undeclared"));
			}
			return text.getBytes(StandardCharsets.UTF_8);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingLater {

		@PipeListener("work")
		CompletableFuture<String> reply(String line) {
			if (line.equals("fail")) {
				return CompletableFuture.supplyAsync(() -> {
					throw new IllegalStateException("failed later");
				}, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
			}
			return CompletableFuture.completedFuture("re:" + line);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CompletedElsewhere {

		private volatile CountDownLatch sent = new CountDownLatch(1);

		@PipeListener("work")
		CompletableFuture<String> reply(String line) throws InterruptedException {
			if (line.equals("async")) {
				CompletableFuture<String> reply = new CompletableFuture<>();
				CountDownLatch completed = new CountDownLatch(1);
				this.sent = completed;
				// Completing it sends its reply on that thread, before complete returns.
				new Thread(() -> {
					reply.complete("re:async");
					completed.countDown();
				}).start();
				return reply;
			}
			if (line.equals("wait")) {
				this.sent.await();
			}
			return CompletableFuture.completedFuture("re:" + line);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Later {

		@PipeListener("work")
		CompletableFuture<String> reply(String line) {
			if (line.equals("bad")) {
				throw new IllegalArgumentException("bad line");
			}
			return CompletableFuture.supplyAsync(() -> "re:" + line,
					CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Hanging {

		final CompletableFuture<String> hanging = new CompletableFuture<>();

		volatile int calls;

		@PipeListener("work")
		Object reply(String line) {
			this.calls++;
			return line.equals("hang") ? this.hanging : "re:" + line;
		}

	}

}
