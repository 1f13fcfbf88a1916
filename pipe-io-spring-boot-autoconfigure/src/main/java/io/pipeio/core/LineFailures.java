package io.pipeio.core;

import java.util.concurrent.TimeUnit;

import io.pipeio.converter.PipeMessageConversionException;
import io.pipeio.deadletter.DeadLetterFile;
import io.pipeio.server.DataSizes;
import io.pipeio.server.DropReason;
import io.pipeio.server.PipeSendException;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * What a channel does with a line that failed: calls the listener again while the retry
 * settings allow, then counts the line as dropped, writes it to the dead-letter file if
 * there is one ({@link ChannelDeadLetters}) and tells the error handler. As a
 * {@link PipeServerListener} it also hears of the lines the engine drops on its own (too
 * large, a full send queue), so that every dropped line reaches the file.
 * <p>
 * This is the one place that decides about a listener's failure;
 * {@link ChannelLineHandler} is the one place that catches it. Nothing about a line this
 * class counted is thrown on to the engine: the engine counts what escapes its handler as
 * {@code handler-error}, so the line would be counted twice. What the listener threw
 * arrives as it was thrown ({@code MethodPipeMessageListener} unwraps a reflective call's
 * exception, for every layer of the listener chain alike).
 *
 * @author pipe-io
 */
final class LineFailures implements PipeServerListener {

	private static final Log logger = LogFactory.getLog(PipeChannel.class);

	private final PipeChannel channel;

	private final PipeRetrySettings retry;

	private final ChannelDeadLetters deadLetters;

	private final Object backoffMonitor = new Object();

	/**
	 * Set while the channel stops: a failing line is then dropped without waiting to
	 * retry it.
	 */
	private volatile boolean stopping;

	LineFailures(PipeChannel channel, PipeRetrySettings retry, @Nullable DeadLetterFile deadLetters) {
		this.channel = channel;
		this.retry = retry;
		this.deadLetters = new ChannelDeadLetters(channel, deadLetters);
	}

	/**
	 * Open the dead-letter file, so that a file that cannot be written fails the start
	 * rather than the first dropped line.
	 * @throws IllegalStateException if it cannot be opened
	 */
	void start() {
		this.stopping = false;
		this.deadLetters.open();
	}

	/** The channel begins to stop: a line that fails from now on is not retried. */
	void stopping() {
		this.stopping = true;
		synchronized (this.backoffMonitor) {
			this.backoffMonitor.notifyAll();
		}
	}

	/**
	 * @return whether the channel is stopping (since {@link #stopping()}, until the next
	 * {@link #start()})
	 */
	boolean isStopping() {
		return this.stopping;
	}

	/**
	 * Decide whether to call the listener again after it failed on a line, and wait the
	 * backoff if so. Called on the reader thread.
	 * @param failure what the listener threw
	 * @param failedAttempts how many calls with the line failed so far
	 * @return whether to call the listener again
	 */
	boolean retry(Throwable failure, int failedAttempts) {
		if (failedAttempts >= this.retry.maxAttempts() || this.stopping
				|| failure instanceof PipeMessageConversionException) {
			return false;
		}
		long deadline = System.nanoTime() + this.retry.backoff(failedAttempts).toNanos();
		synchronized (this.backoffMonitor) {
			long left;
			while (!this.stopping && (left = deadline - System.nanoTime()) > 0) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this.backoffMonitor, left);
				}
				catch (InterruptedException ex) {
					if (this.stopping) {
						// The stop's deadline passed: drop the line, and let the engine
						// see why.
						Thread.currentThread().interrupt();
						return false;
					}
					// A stray interrupt, such as one the listener left behind when it
					// threw: cleared, the wait goes on.
				}
			}
		}
		if (this.stopping) {
			return false;
		}
		this.channel.counts.retried();
		if (logger.isDebugEnabled()) {
			logger.debug("Channel '" + this.channel.getName() + "': calling the listener again (attempt "
					+ (failedAttempts + 1) + " of " + this.retry.maxAttempts() + ") after " + failure);
		}
		return true;
	}

	/**
	 * Handle a listener's reply that could not be sent. One the full send queue refused
	 * ({@code overflow=fail}) was counted by the engine and handed to the dead-letter
	 * file already: the error handler is told, under the same reason, but the line it
	 * answers is not dropped as well, which would count one lost reply twice. Any other
	 * failure drops the line as {@link DropReason#HANDLER_ERROR}: the line was read and
	 * handled, so even a reply that cannot be converted is the listener's failure, not a
	 * malformed line.
	 * @param line the line the reply answers
	 * @param failure why the reply could not be sent
	 * @param attempts how many times the listener was called with the line
	 */
	void replyFailed(byte[] line, Throwable failure, int attempts) {
		if (failure instanceof PipeSendException refused && refused.getDropReason() != null) {
			this.channel.counts.error(failure);
			tellErrorHandler(refused.getDropReason(), line, failure);
			return;
		}
		failed(DropReason.HANDLER_ERROR, line, failure, attempts);
	}

	/**
	 * Drop a line that the listener failed on: {@link DropReason#MALFORMED} if it could
	 * not be converted (decoded) for the listener, else {@link DropReason#HANDLER_ERROR}.
	 * @param line the line
	 * @param failure the failure
	 * @param attempts how many times the listener was called with it
	 */
	void failed(byte[] line, Throwable failure, int attempts) {
		failed((failure instanceof PipeMessageConversionException) ? DropReason.MALFORMED : DropReason.HANDLER_ERROR,
				line, failure, attempts);
	}

	private void failed(DropReason reason, byte[] line, Throwable failure, int attempts) {
		this.channel.counts.dropped(reason);
		this.channel.counts.error(failure);
		dropped(reason, line, failure, attempts);
	}

	/**
	 * Drop a line that answered a request that had timed out, or whose line could then
	 * not be sent: it took that request's place, so that it does not answer the next one,
	 * and is lost like any dropped line.
	 * @param line the answer
	 */
	void lateAnswer(byte[] line) {
		this.channel.counts.dropped(DropReason.LATE_ANSWER);
		dropped(DropReason.LATE_ANSWER, line, new IllegalStateException("A line on channel '" + this.channel.getName()
				+ "' answered a request that had timed out, or whose line could not be sent"), 0);
	}

	/**
	 * Tell the error handler of a line over the max message size, counted and
	 * dead-lettered already: skipped unread, so the exception holds no line.
	 * @param size the line's size in bytes
	 * @param maxMessageSize the channel's limit
	 */
	void tooLarge(long size, int maxMessageSize) {
		tellErrorHandler(DropReason.TOO_LARGE, new byte[0], tooLargeCause(size, maxMessageSize));
	}

	/**
	 * Why a line over the max message size was dropped, for its error handler and its
	 * dead letter alike.
	 */
	private IllegalStateException tooLargeCause(long size, int maxMessageSize) {
		return new IllegalStateException("A line of " + size + " bytes on channel '" + this.channel.getName()
				+ "' is over its max-message-size (" + DataSizes.format(maxMessageSize) + "): it was skipped unread");
	}

	/**
	 * An error handler's reply failed or could not be sent: only logged, since telling
	 * the error handler of it could go on for ever.
	 * @param line the line it answered
	 * @param failure why
	 * @param attempts unused
	 */
	void errorReplyFailed(byte[] line, Throwable failure, int attempts) {
		errorReplyNotSent(failure);
	}

	/**
	 * Log an error handler's reply that was not sent, unless the full send queue refused
	 * it: that reply is counted and kept as a dead letter like any line refused so, and
	 * the engine says so at most every 10 s, not once a line with a stack trace.
	 */
	private void errorReplyNotSent(Throwable failure) {
		if (PipeSendException.findCountedRefusal(failure, this.channel.getName()) != null) {
			if (logger.isDebugEnabled()) {
				logger.debug("The error handler's reply on channel '" + this.channel.getName()
						+ "' was refused by the full send queue", failure);
			}
			return;
		}
		logger.error("The error handler of channel '" + this.channel.getName()
				+ "' replied to a line, but its reply could not be sent", failure);
	}

	/**
	 * Hand a dropped line, counted already, to the dead-letter file and the error
	 * handler.
	 * @param reason why it was dropped
	 * @param line the line
	 * @param cause why
	 * @param attempts how many times the listener was called with it
	 */
	void dropped(DropReason reason, byte[] line, Throwable cause, int attempts) {
		// The line is counted: whatever fails from here on is logged, never thrown on to
		// the engine, which would count the line a second time.
		try {
			deadLetter(reason, line, line.length, attempts, cause);
		}
		catch (Throwable ex) {
			logger.error("Channel '" + this.channel.getName() + "' failed to keep a line dropped as " + reason.tag(),
					ex);
		}
		tellErrorHandler(reason, line, cause);
	}

	private void tellErrorHandler(DropReason reason, byte[] line, Throwable cause) {
		Object reply;
		try {
			reply = this.channel.listener.errorHandler()
				.handleError(new PipeListenerFailedException(this.channel.getName(), reason, line, cause),
						this.channel);
		}
		catch (Throwable ex) {
			logger.error("Error handler of channel '" + this.channel.getName() + "' failed on a line dropped as "
					+ reason.tag(), ex);
			return;
		}
		if (reply != null && !awaitsReply(reason)) {
			if (logger.isDebugEnabled()) {
				logger.debug("Channel '" + this.channel.getName() + "' does not write the error handler's"
						+ " reply to a line dropped as " + reason.tag() + ": nobody waits for it");
			}
		}
		else if (reply != null) {
			try {
				this.channel.sendErrorReply(reply, line);
			}
			catch (Throwable ex) {
				errorReplyNotSent(ex);
			}
		}
	}

	/**
	 * Whether the writer of a dropped line may wait for a reply. Not the client that left
	 * a line incomplete: it is gone, and the next would read the reply as the answer to
	 * its own first line, every answer after it one line late. Nor the other end of a
	 * request whose answer came late: it reads what is written as its next request, and
	 * its answer to that would answer the next request sent.
	 */
	private static boolean awaitsReply(DropReason reason) {
		return reason != DropReason.INCOMPLETE && reason != DropReason.LATE_ANSWER;
	}

	/**
	 * @return whether dropped lines are written anywhere: lines are copied only if so
	 */
	boolean hasDeadLetters() {
		return this.deadLetters.isEnabled();
	}

	/**
	 * Write a dropped line, counted already, to the dead-letter file if there is one.
	 * @param reason why it was dropped
	 * @param line the line, or {@code null} if the channel never held it
	 * @param size its size in bytes
	 * @param attempts how many times the listener was called with it
	 * @param cause why, or {@code null}
	 */
	void deadLetter(DropReason reason, byte @Nullable [] line, long size, int attempts, @Nullable Throwable cause) {
		this.deadLetters.write(reason, line, size, attempts, cause);
	}

	@Override
	public void onDropped(PipeServer server, DropReason reason, long size) {
		if (reason == DropReason.TOO_LARGE) {
			// skipped unread: memory stays bounded
			deadLetter(reason, null, size, 0, tooLargeCause(size, server.getSettings().getMaxMessageSize()));
		}
	}

	@Override
	public void onLineDropped(PipeServer server, DropReason reason, byte[] line) {
		deadLetter(reason, line, line.length, 0, null);
	}

}
