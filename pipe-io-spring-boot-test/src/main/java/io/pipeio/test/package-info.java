/**
 * Test support for applications that use pipe-io: {@link io.pipeio.test.PipeTestClient}
 * talks to a channel through its FIFOs as another process would, and
 * {@link io.pipeio.test.PipeIoTest} gives a test a private pipe directory
 * ({@link io.pipeio.test.PipeTestDirectory}) that is removed afterwards.
 */
@NullMarked
package io.pipeio.test;

import org.jspecify.annotations.NullMarked;
