/**
 * Dead letters: every line a channel drops, written as one JSON object per line to a file
 * of bounded size that is rotated, so that a poison line can be looked at and replayed
 * later. Nothing here depends on Spring.
 * <p>
 * Applications configure it with {@link io.pipeio.deadletter.DeadLetterSettings}; the
 * other types are public only for {@code io.pipeio.core} and may change.
 */
@NullMarked
package io.pipeio.deadletter;

import org.jspecify.annotations.NullMarked;
