/**
 * The FIFO channel engine: one {@link io.pipeio.server.PipeServer} serves one channel
 * made of an <em>in</em> FIFO it reads lines from and an <em>out</em> FIFO it writes
 * lines to. Depends on the JDK (and JNA to create FIFOs) only, and on Commons Logging for
 * the warning of a {@link io.pipeio.server.PipeServerListener} that threw for lines it
 * was given to keep.
 * <p>
 * Internal apart from the types the starter's API exposes, such as
 * {@link io.pipeio.server.PipeServerSettings}, {@link io.pipeio.server.DropReason} and
 * {@link io.pipeio.server.PipeServerListener}; the rest is public only for pipe-io's
 * other packages and may change ("What is API" in {@code docs/architecture.md}).
 */
@NullMarked
package io.pipeio.server;

import org.jspecify.annotations.NullMarked;
