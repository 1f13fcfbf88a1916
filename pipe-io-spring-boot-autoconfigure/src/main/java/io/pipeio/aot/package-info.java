/**
 * Ahead-of-time processing support: the runtime hints that {@code @PipeListener} methods,
 * their JSON payload types and the engine's native calls need in a native image or an
 * AOT-processed application.
 */
@NullMarked
package io.pipeio.aot;

import org.jspecify.annotations.NullMarked;
