package io.pipeio.server;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The entries of a channel's send queue, as both engines' writers take them: a line
 * (without its newline), or a {@link PendingLine} whose sender waits for it to be
 * written; and what is told of a batch of them from the bytes a pipe took.
 *
 * @author pipe-io
 */
final class QueuedLines {

	private QueuedLines() {
	}

	/**
	 * Check a line before it is queued: the newline is the writer's to add.
	 * @param channel the channel name, for the message
	 * @param line the line
	 * @return the line
	 * @throws IllegalArgumentException if it contains a newline
	 */
	static byte[] checkLine(String channel, byte[] line) {
		Objects.requireNonNull(line, "'line' must not be null");
		if (Newlines.indexOf(line, 0, line.length) >= 0) {
			throw new IllegalArgumentException("A line sent to channel '" + channel + "' must not contain '\\n'");
		}
		return line;
	}

	/**
	 * Return the line of a queue entry.
	 * @param entry a line or a {@link PendingLine}
	 * @return the line without its newline
	 */
	static byte[] lineOf(Object entry) {
		return (entry instanceof PendingLine pending) ? pending.line() : (byte[]) entry;
	}

	/**
	 * @param batch the lines
	 * @param from the first line written
	 * @param taken the bytes of them (with their newlines) a pipe took
	 * @return the first line the pipe did not take whole
	 */
	static int firstNotTaken(List<Object> batch, int from, long taken) {
		int line = from;
		long left = taken;
		while (line < batch.size() && left >= lineOf(batch.get(line)).length + 1L) {
			left -= lineOf(batch.get(line)).length + 1L;
			line++;
		}
		return line;
	}

	/**
	 * Fail the futures of the lines whose senders wait.
	 * @param entries queue entries
	 * @param cause what they fail with
	 */
	static void failAll(List<Object> entries, IOException cause) {
		for (Object entry : entries) {
			if (entry instanceof PendingLine pending) {
				pending.future().completeExceptionally(cause);
			}
		}
	}

	/**
	 * A queued line whose sender waits for it to be written.
	 *
	 * @param line the line without its newline
	 * @param future completed once the line is written
	 */
	record PendingLine(byte[] line, CompletableFuture<Void> future) {
	}

}
