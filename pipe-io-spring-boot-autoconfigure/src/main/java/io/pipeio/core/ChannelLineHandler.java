package io.pipeio.core;

import java.util.Arrays;

import io.pipeio.server.DropReason;
import io.pipeio.server.HandlerStatistics;
import io.pipeio.server.LineHandler;

/**
 * What a channel does with each line, on the reader thread: the answer to the oldest
 * waiting request, else the listener's (whose reply is sequenced), else counted as
 * dropped ({@code no-listener}). A line the listener fails on is retried as the channel's
 * retry settings allow; then it and every other dropped line go to {@link LineFailures}.
 * <p>
 * The one boundary of listener failures: whatever the listener chain throws, or the
 * sending of its reply, is caught here and handed to {@link LineFailures}, which counts
 * it once and does not throw. So nothing a listener does reaches the engine, whose own
 * catch only guards its thread against a failure of this class.
 *
 * @author pipe-io
 */
final class ChannelLineHandler implements LineHandler {

	private final PipeChannel channel;

	ChannelLineHandler(PipeChannel channel) {
		this.channel = channel;
	}

	@Override
	public void onLine(byte[] buffer, int offset, int length) {
		dispatch(buffer, offset, length, false);
	}

	@Override
	public void onOwnedLine(byte[] line) {
		dispatch(line, 0, line.length, true);
	}

	@Override
	public void onChunkEnd() {
		ListenerChain chain = this.channel.listener.chain();
		if (chain != null) {
			chain.chunkEnded(this.channel);
		}
	}

	@Override
	public HandlerStatistics getStatistics() {
		return this.channel.counts;
	}

	@Override
	public void onIncompleteLine(byte[] partial) {
		// Counted by the engine; the error handler learns of it like of any line that was
		// lost.
		this.channel.failures.dropped(DropReason.INCOMPLETE, partial, new IllegalStateException(
				"Every client left channel '" + this.channel.getName() + "' in the middle of a line"), 0);
	}

	private void dispatch(byte[] buffer, int offset, int length, boolean owned) {
		PipeChannel channel = this.channel;
		if (channel.requests.answer(buffer, offset, length)) {
			return;
		}
		ListenerChain chain = channel.listener.chain();
		if (chain == null) {
			channel.unheardLines.drop();
			if (channel.failures.hasDeadLetters()) {
				channel.failures.deadLetter(DropReason.NO_LISTENER, copy(buffer, offset, length, owned), length, 0,
						null);
			}
			return;
		}
		Object reply;
		int attempt = 1;
		while (true) {
			try {
				// A line in an array of its own goes to the listener as is: no copy of a
				// large line.
				BufferedPipeMessageListener current = chain.head();
				reply = owned ? current.onMessage(buffer, channel) : current.onMessage(buffer, offset, length, channel);
				break;
			}
			catch (Throwable ex) {
				// The same line again, in order: the lines behind it wait (see
				// PipeRetrySettings).
				if (!channel.failures.retry(ex, attempt)) {
					channel.failures.failed(copy(buffer, offset, length, owned), ex, attempt);
					return;
				}
				attempt++;
			}
		}
		if (reply != null) {
			// Outside the retry: the listener succeeded, so a reply that cannot be sent
			// (a full queue with overflow=fail) must not make it run again.
			try {
				channel.replies.submit(reply, buffer, offset, length, attempt);
			}
			catch (Throwable ex) {
				channel.failures.failed(copy(buffer, offset, length, owned), ex, attempt);
			}
		}
	}

	private static byte[] copy(byte[] buffer, int offset, int length, boolean owned) {
		return owned ? buffer : Arrays.copyOfRange(buffer, offset, offset + length);
	}

}
