package io.pipeio.listener;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

import io.pipeio.annotation.PipeListener;
import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelContext;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.server.DropReason;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.RecordingErrorHandler;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The supported {@code @PipeListener} method signatures, each driven through real FIFOs:
 * payload types, the optional {@link PipeChannelContext}, and every kind of return value.
 */
@Timeout(60)
class PipeListenerSignatureTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class))
			.withUserConfiguration(ListenerConfiguration.class)
			.withPropertyValues("pipe-io.directory=" + this.directory);
	}

	@Test
	void stringPayloadAndStringReply() {
		runner().run((context) -> assertThat(PipeTestClient.request(this.directory, "string", "héllo wörld"))
			.isEqualTo("HÉLLO WÖRLD"));
	}

	@Test
	void bytesPayloadAndBytesReplyAreRaw() {
		runner().run((context) -> {
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "bytes")) {
				byte[] line = { 1, (byte) 0xff, (byte) 0xfe, 'a', 0, (byte) 0x80, '\r' };
				client.send(line);
				byte[] expected = { '\r', (byte) 0x80, 0, 'a', (byte) 0xfe, (byte) 0xff, 1 };
				assertThat(client.receiveBytes()).containsExactly(expected);
				client.send(new byte[0]);
				assertThat(client.receiveBytes()).isEmpty();
			}
		});
	}

	@Test
	void jsonPayloadAndObjectReply() {
		runner().run((context) -> {
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "pojo")) {
				client.send("{\"a\":1,\"b\":2}");
				assertThat(client.receive()).isEqualTo("{\"sum\":3}");
				client.send("{\"b\":-5,\"a\":40}");
				assertThat(client.receive()).isEqualTo("{\"sum\":35}");
			}
		});
	}

	@Test
	void genericJsonPayload() {
		runner()
			.run((context) -> assertThat(PipeTestClient.request(this.directory, "list", "[3,4,5]")).isEqualTo("12"));
	}

	@Test
	void contextAsSecondParameter() {
		runner().run((context) -> assertThat(PipeTestClient.request(this.directory, "context", "hi"))
			.isEqualTo("context/UTF-8:hi"));
	}

	@Test
	void contextAsFirstParameterAndReplyThroughTheContext() {
		runner().run((context) -> {
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "context-first")) {
				client.send("x");
				assertThat(client.receive()).isEqualTo("early");
				assertThat(client.receive()).isEqualTo("late:x");
			}
		});
	}

	@Test
	void voidListenerRepliesNothing() {
		runner().run((context) -> {
			ListenerConfiguration listeners = context.getBean(ListenerConfiguration.class);
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("void");
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "void")) {
				client.send("one");
				client.send("two");
				await().until(() -> channel.getStatistics().getReceivedMessages() == 2);
				assertThat(listeners.received).containsExactly("one", "two");
				// A reply would have been queued before the line was counted as received.
				assertThat(channel.getStatistics().getSentMessages()).isZero();
				assertThat(channel.getSendQueueSize()).isZero();
				assertThat(channel.getStatistics().getDroppedTotal()).isZero();
			}
		});
	}

	@Test
	void nullReturnRepliesNothing() {
		runner().run((context) -> {
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "nullable")) {
				client.send("skip 1");
				client.send("keep 2");
				client.send("skip 3");
				client.send("keep 4");
				assertThat(client.receiveLines(2)).containsExactly("keep 2", "keep 4");
			}
		});
	}

	@Test
	void anOptionalReplyIsItsValueOrNone() {
		runner().run((context) -> {
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "optional")) {
				client.send("skip 1");
				client.send("keep 2");
				client.send("pojo 3");
				assertThat(client.receiveLines(2)).containsExactly("keep 2", "{\"sum\":3}");
			}
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "optional-async")) {
				client.send("skip 1");
				client.send("keep 2");
				assertThat(client.receive()).isEqualTo("keep 2");
			}
		});
	}

	@Test
	void futureRepliesKeepRequestOrderWhenCompletedInReverse() throws Exception {
		runner().run((context) -> {
			ListenerConfiguration listeners = context.getBean(ListenerConfiguration.class);
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "async")) {
				for (int i = 0; i < 5; i++) {
					client.send("r" + i);
				}
				await().until(() -> listeners.pending.size() == 5);
				List<CompletableFuture<Object>> futures = new ArrayList<>(listeners.pending);
				Thread completer = new Thread(() -> {
					for (int i = futures.size() - 1; i >= 0; i--) {
						futures.get(i).complete((i == 2) ? new Sum(i) : "done r" + i);
					}
				});
				completer.start();
				completer.join(10_000);
				assertThat(client.receiveLines(5)).containsExactly("done r0", "done r1", "{\"sum\":2}", "done r3",
						"done r4");
			}
		});
	}

	@Test
	void synchronousRepliesWaitBehindEarlierFutures() {
		runner().run((context) -> {
			ListenerConfiguration listeners = context.getBean(ListenerConfiguration.class);
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "mixed")) {
				client.send("async 1");
				client.send("sync 2");
				client.send("async 3");
				client.send("sync 4");
				await().until(() -> listeners.pending.size() == 2);
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("mixed");
				await().until(() -> channel.getStatistics().getReceivedMessages() == 4);
				await().during(Duration.ofMillis(200))
					.atMost(Duration.ofSeconds(1))
					.until(() -> client.pendingLines() == 0);
				CompletableFuture.runAsync(() -> {
					listeners.pending.get(1).complete("async 3 done");
					listeners.pending.get(0).complete("async 1 done".getBytes(StandardCharsets.UTF_8));
				});
				assertThat(client.receiveLines(4)).containsExactly("async 1 done", "sync 2", "async 3 done", "sync 4");
			}
		});
	}

	@Test
	void futureCompletedWithNullRepliesNothingAndAFailedOneGoesToTheErrorHandler() {
		runner().withBean("pipeErrorHandler", PipeErrorHandler.class, RecordingErrorHandler::new).run((context) -> {
			ListenerConfiguration listeners = context.getBean(ListenerConfiguration.class);
			RecordingErrorHandler errors = (RecordingErrorHandler) context.getBean(PipeErrorHandler.class);
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "async")) {
				client.send("a");
				client.send("b");
				client.send("c");
				await().until(() -> listeners.pending.size() == 3);
				listeners.pending.get(2).complete("c done");
				listeners.pending.get(1).completeExceptionally(new IllegalStateException("b failed"));
				listeners.pending.get(0).complete(null);
				assertThat(client.receive()).isEqualTo("c done");
				var failure = errors.next();
				assertThat(failure.getReason()).isEqualTo(DropReason.HANDLER_ERROR);
				assertThat(failure.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("b failed");
				assertThat(new String(failure.getLine(), StandardCharsets.UTF_8)).isEqualTo("b");
			}
		});
	}

	@Test
	void stringPayloadIsDecodedWithTheChannelCharset() {
		runner().withPropertyValues("pipe-io.channels.latin.charset=ISO-8859-1").run((context) -> {
			try (PipeTestClient client = PipeTestClient.connect(this.directory, "latin")) {
				client.send(new byte[] { 'c', 'a', 'f', (byte) 0xe9 });
				assertThat(client.receiveBytes()).containsExactly('C', 'A', 'F', (byte) 0xc9);
			}
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ListenerConfiguration {

		final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		final List<CompletableFuture<Object>> pending = new java.util.concurrent.CopyOnWriteArrayList<>();

		@PipeListener("string")
		String string(String line) {
			return line.toUpperCase(Locale.ROOT);
		}

		@PipeListener("latin")
		String latin(String line) {
			return line.toUpperCase(Locale.ROOT);
		}

		@PipeListener(channel = "bytes")
		byte[] bytes(byte[] line) {
			byte[] reversed = new byte[line.length];
			for (int i = 0; i < line.length; i++) {
				reversed[i] = line[line.length - 1 - i];
			}
			return reversed;
		}

		@PipeListener("optional")
		Optional<Object> optional(String line) {
			if (line.startsWith("pojo")) {
				return Optional.of(new Sum(3));
			}
			return line.startsWith("skip") ? Optional.empty() : Optional.of(line);
		}

		@PipeListener("optional-async")
		CompletableFuture<Optional<String>> optionalAsync(String line) {
			return CompletableFuture.completedFuture(line.startsWith("skip") ? Optional.empty() : Optional.of(line));
		}

		@PipeListener("pojo")
		Sum pojo(Pair pair) {
			return new Sum(pair.a() + pair.b());
		}

		@PipeListener("list")
		String list(List<Integer> numbers) {
			return String.valueOf(numbers.stream().mapToInt(Integer::intValue).sum());
		}

		@PipeListener("context")
		String context(String line, PipeChannelContext context) {
			return context.getName() + "/" + context.getCharset() + ":" + line;
		}

		@PipeListener("context-first")
		String contextFirst(PipeChannelContext context, byte[] line) {
			context.reply("early");
			return "late:" + new String(line, StandardCharsets.UTF_8);
		}

		@PipeListener("void")
		void voidListener(String line) {
			this.received.add(line);
		}

		@PipeListener("nullable")
		@Nullable String nullable(String line) {
			return line.startsWith("skip") ? null : line;
		}

		@PipeListener("async")
		CompletableFuture<Object> async(String line) {
			CompletableFuture<Object> future = new CompletableFuture<>();
			this.pending.add(future);
			return future;
		}

		@PipeListener("mixed")
		Object mixed(String line) {
			if (line.startsWith("async")) {
				CompletableFuture<Object> future = new CompletableFuture<>();
				this.pending.add(future);
				return future;
			}
			return line;
		}

	}

	/**
	 * A JSON request.
	 *
	 * @param a first
	 * @param b second
	 */
	public record Pair(int a, int b) {
	}

	/**
	 * A JSON reply.
	 *
	 * @param sum the sum
	 */
	public record Sum(int sum) {
	}

}
