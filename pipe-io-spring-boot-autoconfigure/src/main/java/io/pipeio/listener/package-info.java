/**
 * Invoking listener methods: resolving arguments from a line and turning return values
 * into replies.
 */
@NullMarked
package io.pipeio.listener;

import org.jspecify.annotations.NullMarked;
