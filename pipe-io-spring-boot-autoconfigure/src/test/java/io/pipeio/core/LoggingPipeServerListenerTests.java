package io.pipeio.core;

import java.nio.file.Path;
import java.util.regex.Pattern;

import io.pipeio.server.DropReason;
import io.pipeio.server.OverflowPolicy;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link LoggingPipeServerListener} logs of dropped lines: each over-size line and
 * each failure that escaped the channel's handler, but a flood of queue-full drops (a
 * drop overflow policy with no reader) only now and then.
 */
@ExtendWith(OutputCaptureExtension.class)
class LoggingPipeServerListenerTests {

	@Test
	void queueFullDropsAreLoggedAtMostEveryTenSecondsPerChannel(CapturedOutput output) {
		LoggingPipeServerListener listener = new LoggingPipeServerListener();
		PipeServer events = server("events");
		PipeServer orders = server("orders");
		for (int i = 0; i < 1000; i++) {
			listener.onDropped(events, DropReason.QUEUE_FULL, 10);
		}
		listener.onDropped(orders, DropReason.QUEUE_FULL, 10);
		listener.onDropped(events, DropReason.TOO_LARGE, 2000);
		listener.onDropped(events, DropReason.TOO_LARGE, 3000);
		assertThat(count(output, "Channel 'events' dropped a line of 10 bytes: queue-full")).isEqualTo(1);
		assertThat(output).contains("no client reads")
			.contains("overflow is drop-newest")
			.contains("more queue-full warnings of this channel within 10 s are logged at debug level only");
		assertThat(count(output, "Channel 'orders' dropped a line of 10 bytes: queue-full")).isEqualTo(1);
		assertThat(count(output, ": too-large")).isEqualTo(2);
	}

	@Test
	void linesDroppedOneByOneAreWarnedOfAtMostTenTimesInTenSecondsPerChannelAndReason(CapturedOutput output) {
		// a client that writes lines over the limit, or leaves them unfinished, as fast
		// as it can
		LoggingPipeServerListener listener = new LoggingPipeServerListener();
		PipeServer events = server("events");
		for (int i = 0; i < 500; i++) {
			listener.onDropped(events, DropReason.TOO_LARGE, 2000);
			listener.onDropped(events, DropReason.INCOMPLETE, 5);
		}
		listener.onDropped(server("orders"), DropReason.TOO_LARGE, 2000);
		assertThat(count(output, "Channel 'events' dropped a line of 2000 bytes: too-large")).isEqualTo(10);
		assertThat(count(output, "Channel 'events' dropped a line of 5 bytes: incomplete")).isEqualTo(10);
		assertThat(count(output, "Channel 'orders' dropped a line of 2000 bytes: too-large")).isEqualTo(1);
		assertThat(count(output, "more too-large warnings of this channel within 10 s are logged at debug level"))
			.isEqualTo(1);
	}

	@Test
	void linesOfTheOutPipeDroppedTogetherAreLoggedAsANumberOfLines(CapturedOutput output) {
		LoggingPipeServerListener listener = new LoggingPipeServerListener();
		PipeServer events = server("events");
		listener.onDropped(events, DropReason.PIPE_REPLACED, 12);
		listener.onDropped(events, DropReason.WRITER_FAILED, 5);
		listener.onDropped(events, DropReason.ABANDONED, 3);
		listener.onDropped(events, DropReason.READER_FAILED, 2);
		assertThat(output)
			.contains("Channel 'events' dropped 12 line(s) no client had read from"
					+ " /nonexistent/events.out before it was deleted or replaced; reason pipe-replaced")
			.contains("Channel 'events' dropped 5 line(s) its writer held when it failed, not written to"
					+ " /nonexistent/events.out; reason writer-failed")
			.contains("Channel 'events' dropped 2 line(s) read from /nonexistent/events.in and lost when its reader"
					+ " failed (the channel's failure tells why); reason reader-failed")
			.doesNotContain("abandoned"); // the plug-in's channel logs those
	}

	@Test
	void aPipeServedAgainSaysWhetherItWasReCreatedOrFoundThere(CapturedOutput output) {
		LoggingPipeServerListener listener = new LoggingPipeServerListener();
		listener.onPipeRecreated(server("events"), Path.of("/nonexistent/events.in"), true);
		listener.onPipeRecreated(server("orders"), Path.of("/nonexistent/orders.in"), false);
		assertThat(output)
			.contains("Channel 'events': /nonexistent/events.in was deleted or replaced; re-created and reopened it")
			.contains("Channel 'orders': /nonexistent/orders.in was deleted or replaced; serves the FIFO found there"
					+ " now, which it did not create and will not remove")
			.doesNotContain("orders.in was deleted or replaced; re-created");
	}

	@Test
	void aFailureThatEscapedTheHandlerIsLoggedWithItsCause(CapturedOutput output) {
		new LoggingPipeServerListener().onHandlerError(server("events"), new byte[7],
				new IllegalStateException("the channel's handler broke"));
		assertThat(output).contains("Channel 'events' dropped a line of 7 bytes: its handler failed (handler-error)")
			.contains("IllegalStateException: the channel's handler broke");
	}

	private static PipeServer server(String channel) {
		return new PipeServer(PipeServerSettings
			.builder(channel, Path.of("/nonexistent/" + channel + ".in"), Path.of("/nonexistent/" + channel + ".out"))
			.overflow(OverflowPolicy.DROP_NEWEST)
			.build(), (buffer, offset, length) -> {
			});
	}

	private static int count(CapturedOutput output, String text) {
		return output.toString().split(Pattern.quote(text), -1).length - 1;
	}

}
