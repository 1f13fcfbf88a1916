package io.pipeio.core;

import java.nio.charset.Charset;
import java.util.Arrays;

import io.pipeio.server.DropReason;
import io.pipeio.server.HandlerStatistics;
import io.pipeio.server.LineHandler;
import io.pipeio.server.PipeSendException;
import io.pipeio.server.ReplySink;
import org.jspecify.annotations.Nullable;

/**
 * What a channel does with each line, on the reader thread: the answer to the oldest
 * waiting request, else the listener's (whose reply is sequenced), else counted as
 * dropped ({@code no-listener}). The listener's replies, returned or made with
 * {@link PipeChannelContext#reply}, go to the {@link ReplySink} the engine gives with the
 * line: the context the listener is given is the channel's, with its replies sent there.
 * A send through the channel or a {@link PipeTemplate} is a plain send. A line the
 * listener fails on is retried as the channel's retry settings allow; then it and every
 * other dropped line go to {@link LineFailures}.
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

	/** Made for the engine's sink on the first line; the engine keeps one per channel. */
	private @Nullable ReplyingContext context;

	/** Whether the listener chain is being called (on the reader thread). */
	private boolean calling;

	ChannelLineHandler(PipeChannel channel) {
		this.channel = channel;
	}

	@Override
	public void onLine(byte[] buffer, int offset, int length) {
		throw new IllegalStateException("Channel '" + this.channel.getName() + "' takes lines with a reply sink");
	}

	@Override
	public void onLine(byte[] buffer, int offset, int length, ReplySink replies) {
		dispatch(buffer, offset, length, false, context(replies));
	}

	@Override
	public void onOwnedLine(byte[] line, ReplySink replies) {
		dispatch(line, 0, line.length, true, context(replies));
	}

	@Override
	public void onChunkEnd() {
		ListenerChain chain = this.channel.listener.chain();
		if (chain != null) {
			// The context the chunk's lines were given: what a layer replies goes where
			// theirs went.
			ReplyingContext current = this.context;
			chain.chunkEnded((current != null) ? current : this.channel);
		}
	}

	@Override
	public void beforeRepliesHandedOver() {
		// The replies of the lines so far may wait for room in the send queue: their
		// run of lines ends here for the layers, so that a listener timer does not count
		// the wait as their time. Unless a reply the listener made in its call is what
		// hands them over: the call waits, which is its own time, and no layer may be
		// told of an end in the middle of its call.
		if (!this.calling) {
			onChunkEnd();
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

	@Override
	public void onTooLargeLine(long size) {
		// Counted by the engine. An answer all the same: it uses up the oldest request's
		// place, or every later answer would go to the request before its own.
		PipeChannel channel = this.channel;
		boolean answer = channel.requests.failOldest(new PipeRequestException(channel.getName(),
				PipeRequestOutcome.ERROR, "The answer on channel '" + channel.getName() + "' was " + size
						+ " bytes, over its max-message-size: it was dropped (too-large)"));
		if (!answer && channel.listener.chain() != null) {
			// A request to the listener: its client may wait for an answer, which only
			// the error handler can give.
			channel.failures.tooLarge(size, channel.server().getSettings().getMaxMessageSize());
		}
	}

	private ReplyingContext context(ReplySink replies) {
		ReplyingContext current = this.context;
		if (current == null || current.replies != replies) {
			current = new ReplyingContext(this.channel, replies);
			this.channel.replySink = replies;
			this.context = current;
		}
		return current;
	}

	private void dispatch(byte[] buffer, int offset, int length, boolean owned, ReplyingContext context) {
		PipeChannel channel = this.channel;
		PendingRequests.Answer answer = channel.requests.answer(buffer, offset, length);
		if (answer != PendingRequests.Answer.NONE_WAITING) {
			if (answer == PendingRequests.Answer.LATE) {
				channel.failures.lateAnswer(copy(buffer, offset, length, owned));
			}
			channel.listener.answered();
			return;
		}
		ListenerChain chain = channel.listener.chain();
		if (chain == null) {
			channel.listener.answered();
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
				this.calling = true;
				try {
					reply = owned ? current.onMessage(buffer, context)
							: current.onMessage(buffer, offset, length, context);
				}
				finally {
					this.calling = false;
				}
				break;
			}
			catch (Throwable ex) {
				// The failed call's run of lines ends here for the layers: a timer
				// counts neither the wait for a retry nor the error handler as its time.
				onChunkEnd();
				PipeSendException refused = PipeSendException.findCountedRefusal(ex, channel.getName());
				if (refused != null) {
					// The listener's send on this channel was refused and counted then (a
					// flow ending in the channel's outbound adapter): a reply lost, not a
					// failed line, and not a reason to call the listener again.
					channel.failures.replyFailed(copy(buffer, offset, length, owned), refused, attempt);
					return;
				}
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
				channel.replies.submit(reply, buffer, offset, length, context.replies, attempt);
			}
			catch (Throwable ex) {
				channel.failures.replyFailed(copy(buffer, offset, length, owned), ex, attempt);
			}
		}
	}

	private static byte[] copy(byte[] buffer, int offset, int length, boolean owned) {
		return owned ? buffer : Arrays.copyOfRange(buffer, offset, offset + length);
	}

	/**
	 * The channel as a listener sees it: its replies go to the engine's sink, which sends
	 * them as plain sends where they are not made while the line's chunk is dispatched (a
	 * listener may keep the context).
	 */
	private static final class ReplyingContext implements PipeChannelContext {

		private final PipeChannel channel;

		private final ReplySink replies;

		ReplyingContext(PipeChannel channel, ReplySink replies) {
			this.channel = channel;
			this.replies = replies;
		}

		@Override
		public String getName() {
			return this.channel.getName();
		}

		@Override
		public Charset getCharset() {
			return this.channel.getCharset();
		}

		@Override
		public void reply(byte[] line) {
			this.replies.send(line);
		}

		@Override
		public void reply(String line) {
			this.replies.send(this.channel.encode(line));
		}

		@Override
		public String toString() {
			return this.channel.toString();
		}

	}

}
