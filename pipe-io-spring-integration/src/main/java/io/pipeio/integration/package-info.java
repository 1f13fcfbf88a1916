/**
 * Spring Integration channel adapters for pipe-io channels:
 * {@link io.pipeio.integration.PipeInboundChannelAdapter} turns each line of a channel
 * into a message, {@link io.pipeio.integration.PipeMessageHandler} writes messages as
 * lines.
 */
@NullMarked
package io.pipeio.integration;

import org.jspecify.annotations.NullMarked;
