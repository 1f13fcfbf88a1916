/**
 * Channels, their registry and lifecycle, {@link io.pipeio.core.PipeTemplate} for
 * sending, reply ordering and the error handling contract.
 */
@NullMarked
package io.pipeio.core;

import org.jspecify.annotations.NullMarked;
