package io.pipeio.core;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.pipeio.server.DropReason;
import io.pipeio.testsupport.TestChannelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the default error handler logs: a warning for each line a listener failed on, but
 * a reply the full send queue refused only at debug level, since the engine warns of
 * those itself, at most every 10 seconds a channel, and a warning for each would flood
 * the log; a line over the size limit and a line left unfinished too, which the engine
 * warns of with the limit or the cause.
 */
@ExtendWith(OutputCaptureExtension.class)
class LoggingPipeErrorHandlerTests {

	private static final PipeChannelContext CONTEXT = new TestChannelContext("orders");

	private final LoggingPipeErrorHandler handler = new LoggingPipeErrorHandler();

	@Test
	void aFailedLineIsAWarningWithItsReasonAndAPreview(CapturedOutput output) {
		this.handler.handleError(failure(DropReason.HANDLER_ERROR, new IllegalStateException("broke")), CONTEXT);
		assertThat(lines(output, "dropped a line")).singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN")
				.contains("Channel 'orders' dropped a line (handler-error, 7 bytes) \"order 1\"")
				.contains("IllegalStateException: broke"));
	}

	@Test
	void aWrappedCauseIsLoggedWithItsRootCause(CapturedOutput output) {
		// a client library's "failed to send" says why only in its cause
		this.handler.handleError(failure(DropReason.HANDLER_ERROR, new IllegalStateException("Failed to send",
				new RuntimeException("retries used up", new TimeoutException("topic not present in metadata")))),
				CONTEXT);
		assertThat(lines(output, "dropped a line")).singleElement()
			.satisfies((line) -> assertThat(line).contains("IllegalStateException: Failed to send (root cause:"
					+ " java.util.concurrent.TimeoutException: topic not present in metadata)"));
		this.handler.handleError(failure(DropReason.HANDLER_ERROR, new IllegalStateException("alone")), CONTEXT);
		assertThat(lines(output, "alone")).singleElement()
			.satisfies((line) -> assertThat(line).doesNotContain("root cause"));
	}

	@Test
	void theCausesMessageIsLoggedWithItsControlCharactersEscaped(CapturedOutput output) {
		// A message that quotes the line (a JSON parser's does) holds what the client
		// wrote: no escape sequence of it may reach a terminal, no line break forge a
		// line.
		this.handler.handleError(
				failure(DropReason.MALFORMED, new IllegalStateException("Unexpected '\u001b[2J' at\nFAKE ERROR")),
				CONTEXT);
		assertThat(output.getAll()).contains("Unexpected '\\x1b[2J' at\\x0aFAKE ERROR")
			.doesNotContain("\u001b")
			.doesNotContain("\nFAKE");
	}

	@Test
	void unicodeLineSeparatorsAndBidirectionalControlsOfTheLineAreEscaped(CapturedOutput output) {
		// A line separator is a line break to many log viewers; a right-to-left override
		// shows what follows it reversed.
		this.handler.handleError(new PipeListenerFailedException("orders", DropReason.MALFORMED,
				"a\u2028FAKE ERROR \u202egnp.exe\u2069".getBytes(StandardCharsets.UTF_8),
				new IllegalStateException("bad")), CONTEXT);
		assertThat(output.getAll()).contains("a\\u2028FAKE ERROR \\u202egnp.exe\\u2069")
			.doesNotContain("\u2028")
			.doesNotContain("\u202e")
			.doesNotContain("\u2069");
	}

	@Test
	void theLineIsShownInTheChannelsCharset(CapturedOutput output) {
		PipeChannelContext latin1 = new TestChannelContext("orders") {
			@Override
			public Charset getCharset() {
				return StandardCharsets.ISO_8859_1;
			}
		};
		this.handler.handleError(
				new PipeListenerFailedException("orders", DropReason.HANDLER_ERROR,
						"caf\u00e9 cr\u00e8me".getBytes(StandardCharsets.ISO_8859_1), new IllegalStateException("bad")),
				latin1);
		assertThat(output.getAll()).contains("\"caf\u00e9 cr\u00e8me\"").doesNotContain("\ufffd");
	}

	@Test
	void aRefusedReplyIsNoWarning(CapturedOutput output) {
		for (int i = 0; i < 100; i++) {
			this.handler.handleError(failure(DropReason.QUEUE_FULL, new IllegalStateException("queue full")), CONTEXT);
		}
		this.handler.handleError(failure(DropReason.MALFORMED, new IllegalStateException("not JSON")), CONTEXT);
		// at debug level at most, whatever level the tests' logging has
		assertThat(lines(output, "(queue-full, 7 bytes)")).noneMatch((line) -> line.contains("WARN"))
			.noneMatch((line) -> line.contains("INFO"));
		assertThat(lines(output, "dropped a line (malformed, 7 bytes)")).singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN"));
	}

	@Test
	void aLineOverTheSizeLimitIsNoWarningAsTheEngineWarnsOfItWithTheLimit(CapturedOutput output) {
		this.handler.handleError(new PipeListenerFailedException("orders", DropReason.TOO_LARGE, new byte[0],
				new IllegalStateException("A line of 100 bytes is over its max-message-size")), CONTEXT);
		this.handler.handleError(failure(DropReason.MALFORMED, new IllegalStateException("not JSON")), CONTEXT);
		assertThat(lines(output, "(too-large, 0 bytes)")).noneMatch((line) -> line.contains("WARN"))
			.noneMatch((line) -> line.contains("INFO"));
		assertThat(lines(output, "dropped a line (malformed, 7 bytes)")).singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN"));
	}

	@Test
	void anIncompleteLineIsNoWarningAsTheEngineWarnsOfItWithTheCause(CapturedOutput output) {
		this.handler.handleError(failure(DropReason.INCOMPLETE, new IllegalStateException("no newline")), CONTEXT);
		this.handler.handleError(failure(DropReason.MALFORMED, new IllegalStateException("not JSON")), CONTEXT);
		assertThat(lines(output, "(incomplete, 7 bytes)")).noneMatch((line) -> line.contains("WARN"))
			.noneMatch((line) -> line.contains("INFO"));
		assertThat(lines(output, "dropped a line (malformed, 7 bytes)")).singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN"));
	}

	@Test
	void failedLinesAreWarnedOfAtMostTenTimesInTenSecondsPerChannelAndReason(CapturedOutput output) {
		for (int i = 0; i < 200; i++) {
			this.handler.handleError(failure(DropReason.MALFORMED, new IllegalStateException("not JSON")), CONTEXT);
		}
		this.handler.handleError(failure(DropReason.HANDLER_ERROR, new IllegalStateException("broke")), CONTEXT);
		this.handler.handleError(new PipeListenerFailedException("events", DropReason.MALFORMED,
				"e".getBytes(StandardCharsets.UTF_8), new IllegalStateException("not JSON")), CONTEXT);
		assertThat(lines(output, "Channel 'orders' dropped a line (malformed, 7 bytes)"))
			.filteredOn((line) -> line.contains("WARN"))
			.hasSize(10)
			.last()
			.asString()
			.endsWith("not JSON [more malformed warnings of this channel within 10 s are logged at debug level only;"
					+ " every line is counted in pipeio.messages.dropped]");
		assertThat(lines(output, "Channel 'orders' dropped a line (handler-error, 7 bytes)")).singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN"));
		assertThat(lines(output, "Channel 'events' dropped a line (malformed, 1 bytes)")).singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN"));
	}

	private static PipeListenerFailedException failure(DropReason reason, Throwable cause) {
		return new PipeListenerFailedException("orders", reason, "order 1".getBytes(StandardCharsets.UTF_8), cause);
	}

	private static List<String> lines(CapturedOutput output, String text) {
		return Arrays.stream(output.toString().split("\\R")).filter((line) -> line.contains(text)).toList();
	}

}
