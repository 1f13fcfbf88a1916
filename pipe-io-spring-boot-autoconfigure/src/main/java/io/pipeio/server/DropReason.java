package io.pipeio.server;

/**
 * Why a line was not delivered. The {@link #tag() tag} is the value of the {@code reason}
 * tag of the {@code pipeio.messages.dropped} metric.
 * <p>
 * This is the one list of reason names, also of the reasons the engine never sees
 * ({@link #MALFORMED}, {@link #NO_LISTENER}, {@link #LATE_ANSWER}, and
 * {@link #HANDLER_ERROR} for a listener that failed): metric tags, the {@code pipeio}
 * endpoint, the dead-letter file and the error handler all name reasons from it,
 * whichever layer dropped the line. Who counts a reason is not decided here: the engine
 * counts what it drops in its {@link ChannelStatistics}, the {@link LineHandler} counts
 * what it drops in its own {@link HandlerStatistics}, and the channel's statistics add
 * the two.
 *
 * @author pipe-io
 */
public enum DropReason {

	/** An incoming line was longer than the channel's max message size. */
	TOO_LARGE("too-large"),

	/**
	 * An incoming line could not be decoded or converted. Counted by the handler.
	 */
	MALFORMED("malformed"),

	/**
	 * An incoming line arrived on a channel that has no listener. Counted by the handler.
	 */
	NO_LISTENER("no-listener"),

	/** An outgoing line did not fit into the send queue within the send timeout. */
	QUEUE_FULL("queue-full"),

	/**
	 * The handler of an incoming line failed: counted by the handler for a listener that
	 * failed (after its retries), and by the engine for an exception that escaped the
	 * handler; never by both for one line.
	 */
	HANDLER_ERROR("handler-error"),

	/**
	 * Every client left the in pipe in the middle of a line: the partial line is dropped
	 * rather than glued to the next client's first line.
	 */
	INCOMPLETE("incomplete"),

	/**
	 * An incoming line was in the in pipe when the channel stopped but could not be
	 * handled before the stop timeout (or the channel was paused), or an outgoing line
	 * was not written before it, or was written but still unread in the out pipe when the
	 * stop closed it while no client held it open for reading (counted as sent too).
	 */
	SHUTDOWN("shutdown"),

	/**
	 * An outgoing line was still queued, or in a write cut short, when the writer of the
	 * out pipe failed (the channel is then FAILED), or was written but still unread in
	 * the out pipe, which no client held open for reading (counted as sent too).
	 */
	WRITER_FAILED("writer-failed"),

	/**
	 * An incoming line was lost with a failure of its reader on the way to the handler
	 * (an {@code OutOfMemoryError} while a long line was assembled): the line being
	 * framed, and the lines read with it that were not framed yet. The channel is
	 * {@link PipeServerState#FAILED} with the cause, and reads on.
	 */
	READER_FAILED("reader-failed"),

	/**
	 * An outgoing line was written to an out pipe that was then deleted or replaced on
	 * disk before any client read it; it was counted as sent too.
	 */
	PIPE_REPLACED("pipe-replaced"),

	/**
	 * An outgoing line was in the out pipe, unread, when its reader went away for good (a
	 * plug-in process exited) and was thrown away so that the next reader starts at a
	 * line boundary; it was counted as sent too.
	 */
	ABANDONED("abandoned"),

	/**
	 * An incoming line answered a request that had timed out already (a plug-in that
	 * answered late), or whose request line could then not be sent: discarded, because it
	 * must not answer the next request. Counted by the handler.
	 */
	LATE_ANSWER("late-answer");

	private final String tag;

	DropReason(String tag) {
		this.tag = tag;
	}

	/**
	 * Return the metric tag value of this reason, such as {@code too-large}.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}
