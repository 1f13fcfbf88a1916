package io.pipeio.deadletter;

import java.nio.charset.Charset;
import java.time.Instant;

import io.pipeio.server.DropReason;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A dropped line as written to a {@link DeadLetterFile}.
 *
 * @param time when the line was dropped
 * @param channel the channel's name
 * @param reason why it was dropped
 * @param line the line without its newline, or {@code null} if the channel never held it
 * (a line too large to read, for instance)
 * @param size the size of the line in bytes
 * @param attempts how many times the listener was called with the line, {@code 0} if
 * never
 * @param cause the exception that made the channel drop it, or {@code null}
 * @param charset the channel's charset: a line valid in it is written as text, any other
 * in base64
 * @author pipe-io
 */
public record DeadLetter(Instant time, String channel, DropReason reason, byte @Nullable [] line, long size,
		int attempts, @Nullable Throwable cause, Charset charset) {

	/**
	 * Create a dead letter.
	 */
	public DeadLetter {
		Assert.notNull(time, "'time' must not be null");
		Assert.notNull(channel, "'channel' must not be null");
		Assert.notNull(reason, "'reason' must not be null");
		Assert.notNull(charset, "'charset' must not be null");
	}

}
