/**
 * The FIFO channel engine: one {@link io.pipeio.server.PipeServer} serves one channel
 * made of an <em>in</em> FIFO it reads lines from and an <em>out</em> FIFO it writes
 * lines to. Depends on the JDK (and JNA to create FIFOs) only.
 */
@NullMarked
package io.pipeio.server;

import org.jspecify.annotations.NullMarked;
