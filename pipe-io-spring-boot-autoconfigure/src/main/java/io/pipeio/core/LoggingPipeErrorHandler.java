package io.pipeio.core;

import java.nio.charset.Charset;

import io.pipeio.server.DropReason;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.NestedExceptionUtils;

/**
 * The default {@link PipeErrorHandler}: logs a warning with the channel, the reason and a
 * truncated, printable preview of the line, and sends no reply. At most 10 such warnings
 * are logged in 10 seconds for each channel and reason; the rest are logged at debug
 * level, and the next warning says how many there were (every line is counted in the
 * meters). A reply the full send queue refused is logged at debug level only, as the
 * engine warns of those itself, at most every 10 seconds a channel; so are a line over
 * the max message size and a line every client left unfinished, which the engine warns of
 * with the limit or the cause.
 *
 * @author pipe-io
 */
public class LoggingPipeErrorHandler implements PipeErrorHandler {

	private static final Log logger = LogFactory.getLog(LoggingPipeErrorHandler.class);

	private static final int PREVIEW_BYTES = 120;

	/**
	 * A client may write lines no listener can read as fast as it can, and a listener may
	 * fail on each of them.
	 */
	private final WarningBudget warnings = new WarningBudget(WarningBudget.DEFAULT_WARNINGS);

	@Override
	public @Nullable Object handleError(PipeListenerFailedException exception, PipeChannelContext context) {
		// A reply the full queue refused is logged by the engine too, at most every 10 s
		// a channel: a warning for each would flood the log while no client reads. A
		// line over the size limit, or one left without its newline, is warned of by the
		// engine, with the limit or the cause.
		boolean refusedReply = exception.getReason() == DropReason.QUEUE_FULL;
		boolean warnedOf = refusedReply || exception.getReason() == DropReason.TOO_LARGE
				|| exception.getReason() == DropReason.INCOMPLETE;
		String budgetNote = (warnedOf || !logger.isWarnEnabled()) ? null
				: this.warnings.take(exception.getChannel(), exception.getReason());
		if (budgetNote != null || logger.isDebugEnabled()) {
			Throwable cause = (exception.getCause() != null) ? exception.getCause() : exception;
			String message = "Channel '" + exception.getChannel() + "' dropped "
					+ (refusedReply ? "the reply to a line" : "a line") + " (" + exception.getReason().tag() + ", "
					+ exception.getLine().length + " bytes) " + preview(exception.getLine(), context.getCharset())
					+ ": "
					// a message may quote the line, such as a parser's
					+ LogText.escapeControls(String.valueOf(cause) + rootCause(cause));
			if (budgetNote != null) {
				logger.warn(message + budgetNote, logger.isDebugEnabled() ? cause : null);
			}
			else {
				logger.debug(message, warnedOf ? null : cause);
			}
		}
		return null;
	}

	/**
	 * Say what lies under a wrapping exception (a client library's "failed to send" over
	 * a timeout, say): without it, the reason shows only in the stack trace, which is
	 * logged at DEBUG.
	 */
	private static String rootCause(Throwable cause) {
		Throwable root = NestedExceptionUtils.getMostSpecificCause(cause);
		return (root != cause) ? " (root cause: " + root + ")" : "";
	}

	/**
	 * Return a printable preview of a line: at most 120 bytes, decoded in the channel's
	 * charset, control characters escaped.
	 * @param line the line
	 * @param charset the channel's charset
	 * @return the preview in double quotes
	 */
	static String preview(byte[] line, Charset charset) {
		int length = Math.min(line.length, PREVIEW_BYTES);
		String text = new String(line, 0, length, charset);
		StringBuilder builder = new StringBuilder(text.length() + 8).append('"')
			.append(LogText.escapeControls(text))
			.append('"');
		if (line.length > length) {
			builder.append("...");
		}
		return builder.toString();
	}

}
